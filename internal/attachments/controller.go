package attachments

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Controller serves a task's attachments: an htmx fragment the task page
// loads (controller.go) and the JSON API with the upload presign
// (controller_api.go).
type Controller struct {
	svc *Service
}

// NewController returns a Controller.
func NewController(svc *Service) *Controller { return &Controller{svc: svc} }

// Routes registers the page routes; mount them at /tasks/{id}/attachments
// behind auth.RequireUser.
func (c *Controller) Routes(r chi.Router) {
	r.Get("/", httpx.Handle(c.index))                    // GET  /tasks/{id}/attachments (fragment)
	r.Get("/{aid}", httpx.Handle(c.show))                // GET  /tasks/{id}/attachments/{aid} → 303
	r.Get("/{aid}/thumbnail", httpx.Handle(c.thumbnail)) // GET  /tasks/{id}/attachments/{aid}/thumbnail → 303
	r.Delete("/{aid}", httpx.Handle(c.delete))           // DELETE (htmx)
	r.Post("/{aid}/delete", httpx.Handle(c.delete))      // POST (plain form)
}

// AttachmentsURL is the attachments fragment of task taskID.
func AttachmentsURL(taskID int64) string {
	return "/tasks/" + strconv.FormatInt(taskID, 10) + "/attachments"
}

// AttachmentURL downloads attachment id of task taskID.
func AttachmentURL(taskID, id int64) string {
	return AttachmentsURL(taskID) + "/" + strconv.FormatInt(id, 10)
}

// taskAndID reads {id} (the task) and, when want, {aid}.
func taskAndID(r *http.Request, want bool) (taskID, id int64, err error) {
	if taskID, err = httpx.IDParam(r, "id"); err != nil || !want {
		return taskID, 0, err
	}
	id, err = httpx.IDParam(r, "aid")
	return taskID, id, err
}

// index handles GET /tasks/{id}/attachments: the list and the uploader,
// as a fragment for the task page.
func (c *Controller) index(w http.ResponseWriter, r *http.Request) error {
	taskID, _, err := taskAndID(r, false)
	if err != nil {
		return err
	}
	list, err := c.svc.List(r.Context(), auth.MustFrom(r), taskID)
	if err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, Section(SectionView{TaskID: taskID, Attachments: list, Config: c.svc.cfg,
		ThumbnailsPending: thumbnailsPending(list, time.Now())}))
}

// show handles GET /tasks/{id}/attachments/{aid}: 303 to a short-lived
// download URL.
func (c *Controller) show(w http.ResponseWriter, r *http.Request) error {
	return c.redirectToDownload(w, r, false)
}

// thumbnail handles GET /tasks/{id}/attachments/{aid}/thumbnail.
func (c *Controller) thumbnail(w http.ResponseWriter, r *http.Request) error {
	return c.redirectToDownload(w, r, true)
}

func (c *Controller) redirectToDownload(w http.ResponseWriter, r *http.Request, thumb bool) error {
	taskID, id, err := taskAndID(r, true)
	if err != nil {
		return err
	}
	u, err := c.svc.DownloadURL(r.Context(), auth.MustFrom(r), taskID, id, thumb)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// delete handles DELETE /tasks/{id}/attachments/{aid} (htmx: the fresh
// section) and POST …/delete (a plain form: back to the task).
func (c *Controller) delete(w http.ResponseWriter, r *http.Request) error {
	taskID, id, err := taskAndID(r, true)
	if err != nil {
		return err
	}
	if err := c.svc.Delete(r.Context(), auth.MustFrom(r), taskID, id); err != nil {
		return err
	}
	if !httpx.IsHTMX(r) {
		return httpx.Redirect(w, r, "/tasks/"+strconv.FormatInt(taskID, 10))
	}
	return c.index(w, r)
}
