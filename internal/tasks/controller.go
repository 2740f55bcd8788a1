package tasks

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// Controller serves the task pages and their htmx fragments
// (controller.go) and the JSON API (controller_api.go), both over one
// Service.
type Controller struct {
	svc    *Service
	flash  *flash.Messages // for the toast after a plain form's redirect
	events *sse.Broker     // live updates (controller_events.go)
	panels []Panel
}

// Panel is a section of a task's own page that another feature owns (the
// attachments, say), made for the task's ID. The tasks feature does not
// know what is in it; internal/app adds panels with AddPanel.
type Panel func(taskID int64) templ.Component

// AddPanel shows p on the pages of the viewer's own tasks, after the
// activity.
func (c *Controller) AddPanel(p Panel) { c.panels = append(c.panels, p) }

// NewController returns a Controller; events is the process's SSE broker.
func NewController(svc *Service, flashes *flash.Messages, events *sse.Broker) *Controller {
	return &Controller{svc: svc, flash: flashes, events: events}
}

// Routes registers the HTML routes; mount them at /tasks behind
// auth.RequireUser. Every action that htmx sends as PUT or DELETE also
// has a POST twin, so the pages work as plain forms without JavaScript.
func (c *Controller) Routes(r chi.Router) {
	r.Get("/", httpx.Handle(c.index))                    // GET    /tasks
	r.Post("/", httpx.Handle(c.create))                  // POST   /tasks
	r.Get("/events", httpx.Handle(c.stream))             // GET    /tasks/events (SSE)
	r.Get("/{id}", httpx.Handle(c.show))                 // GET    /tasks/{id}
	r.Get("/{id}/edit", httpx.Handle(c.edit))            // GET    /tasks/{id}/edit
	r.Get("/{id}/row", httpx.Handle(c.listRow))          // GET    /tasks/{id}/row (live list)
	r.Put("/{id}", httpx.Handle(c.update))               // PUT    /tasks/{id}
	r.Post("/{id}", httpx.Handle(c.update))              // POST   /tasks/{id}
	r.Post("/{id}/status", httpx.Handle(c.changeStatus)) // POST   /tasks/{id}/status
	r.Delete("/{id}", httpx.Handle(c.delete))            // DELETE /tasks/{id}
	r.Post("/{id}/delete", httpx.Handle(c.delete))       // POST   /tasks/{id}/delete
}

// The task pages' paths, so views and handlers never spell them out.

// TasksURL is the task list (GET) and where a new task is posted.
func TasksURL() string { return "/tasks" }

// TaskURL is a task's page (GET) and where its edit form is sent (PUT, or
// POST without JavaScript).
func TaskURL(id int64) string { return "/tasks/" + strconv.FormatInt(id, 10) }

// TaskEditURL is a task's edit page.
func TaskEditURL(id int64) string { return TaskURL(id) + "/edit" }

// TaskStatusURL is where a task's new status is posted.
func TaskStatusURL(id int64) string { return TaskURL(id) + "/status" }

// TaskDeleteURL is where a plain form deletes a task (htmx sends DELETE
// to TaskURL).
func TaskDeleteURL(id int64) string { return TaskURL(id) + "/delete" }

// index handles GET /tasks: the list, filtered by ?status= and ?q=. An
// htmx request for a later page (?cursor=, sent by the "Load more" button)
// gets only that page's rows and the next button.
func (c *Controller) index(w http.ResponseWriter, r *http.Request) error {
	httpx.VaryHTMX(w)
	v, err := c.indexView(r)
	if err != nil {
		return err
	}
	if httpx.IsHTMX(r) && v.Params.Cursor != "" {
		return httpx.Render(w, r, http.StatusOK, MoreRows(v))
	}
	return httpx.Render(w, r, http.StatusOK, IndexPage(v))
}

// create handles POST /tasks. With htmx it answers a fresh form, the new
// row (out of band, at the top of the list) and a toast; invalid input
// gets the form back with the input and errors, status 422. Without htmx
// it redirects to the list, or re-renders the whole page with 422.
func (c *Controller) create(w http.ResponseWriter, r *http.Request) error {
	httpx.VaryHTMX(w)
	var in Input
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		var t Task
		if t, err = c.svc.Create(r.Context(), auth.MustFrom(r), in); err == nil {
			if !httpx.IsHTMX(r) {
				c.flash.Put(r.Context(), "Task added.")
				return httpx.Redirect(w, r, TasksURL())
			}
			return httpx.Render(w, r, http.StatusOK, Created(t, c.svc.Today()))
		}
	}
	fields, ok := apperr.InvalidFields(err)
	if !ok {
		return err
	}
	form := FormView{Input: in.Normalized(), Errors: fields}
	if httpx.IsHTMX(r) {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, Form(form))
	}
	v, err := c.indexView(r)
	if err != nil {
		return err
	}
	v.Form = form
	return httpx.Render(w, r, http.StatusUnprocessableEntity, IndexPage(v))
}

// show handles GET /tasks/{id}: the task and its recent history.
func (c *Controller) show(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	a := auth.MustFrom(r)
	t, events, err := c.svc.WithEvents(r.Context(), a, id, 20)
	if err != nil {
		return err
	}
	// An admin on someone else's task follows everyone's events.
	live, err := c.liveURL(r, t.UserID != a.UserID)
	if err != nil {
		return err
	}
	v := ShowView{Task: t, Events: events, Today: c.svc.Today(), ReadOnly: readOnly(a, t), Live: live}
	if !v.ReadOnly {
		for _, p := range c.panels {
			v.Panels = append(v.Panels, p(t.ID))
		}
	}
	return httpx.Render(w, r, http.StatusOK, ShowPage(v))
}

// edit handles GET /tasks/{id}/edit. An admin looking at someone else's
// task gets ErrReadOnly rather than a form that could never be saved.
func (c *Controller) edit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	a := auth.MustFrom(r)
	t, err := c.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if readOnly(a, t) {
		return ErrReadOnly
	}
	return httpx.Render(w, r, http.StatusOK, EditPage(EditView{
		ID: t.ID, Version: t.Version,
		Input: Input{Title: t.Title, Notes: t.Notes, Status: t.Status, DueDate: t.DueDate},
	}))
}

// update handles PUT /tasks/{id} (htmx) and POST /tasks/{id} (plain form)
// and then redirects to the task. Invalid input re-renders the form with
// 422; a stale version re-renders it with 409 and a message offering to
// reload. htmx gets only the form, a plain post the whole page.
func (c *Controller) update(w http.ResponseWriter, r *http.Request) error {
	httpx.VaryHTMX(w)
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	var in Input
	err = httpx.DecodeForm(w, r, &in)
	v := EditView{ID: id, Version: formVersion(r), Input: in.Normalized()}
	if err == nil {
		if _, err = c.svc.Update(r.Context(), auth.MustFrom(r), id, v.Version, in); err == nil {
			c.flash.Put(r.Context(), "Task saved.")
			return httpx.Redirect(w, r, TaskURL(id))
		}
	}
	status := http.StatusUnprocessableEntity
	switch fields, ok := apperr.InvalidFields(err); {
	case ok:
		v.Errors = fields
	case errors.Is(err, ErrConflict):
		status, v.Conflict = http.StatusConflict, apperr.SafeMessage(err)
	default:
		return err
	}
	if httpx.IsHTMX(r) {
		return httpx.Render(w, r, status, EditForm(v))
	}
	return httpx.Render(w, r, status, EditPage(v))
}

// changeStatus handles POST /tasks/{id}/status (field "status"): a
// fragment route that answers the updated row to htmx, and redirects a
// plain form back to the list.
func (c *Controller) changeStatus(w http.ResponseWriter, r *http.Request) error {
	httpx.VaryHTMX(w)
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Status Status `form:"status"`
	}
	if err := httpx.DecodeForm(w, r, &in); err != nil {
		return err
	}
	t, err := c.svc.SetStatus(r.Context(), auth.MustFrom(r), id, in.Status)
	if err != nil {
		return err
	}
	if !httpx.IsHTMX(r) {
		c.flash.Put(r.Context(), "Status changed.")
		return httpx.Redirect(w, r, TasksURL())
	}
	return httpx.Render(w, r, http.StatusOK, Row(t, c.svc.Today()))
}

// delete handles DELETE /tasks/{id} (htmx) and POST /tasks/{id}/delete
// (plain form). htmx gets 200 with only a toast, so the row it targets is
// swapped for nothing; a plain form is redirected to the list.
func (c *Controller) delete(w http.ResponseWriter, r *http.Request) error {
	httpx.VaryHTMX(w)
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.Delete(r.Context(), auth.MustFrom(r), id); err != nil {
		return err
	}
	if !httpx.IsHTMX(r) {
		c.flash.Put(r.Context(), "Task deleted.")
		return httpx.Redirect(w, r, TasksURL())
	}
	return httpx.Render(w, r, http.StatusOK, Deleted())
}

// formVersion is the version an edit form was opened at (its hidden
// "version" field). A missing or garbled one is 0, which no task has, so
// the update fails as a conflict.
func formVersion(r *http.Request) int32 {
	v, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 32)
	return int32(v)
}

// readOnly reports whether a sees t only because a is an admin: the page
// then offers no edit or delete.
func readOnly(a auth.Identity, t Task) bool {
	return t.UserID != a.UserID
}
