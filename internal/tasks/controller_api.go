package tasks

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// apiTaskURL is a task's URL in the JSON API, which internal/app mounts at
// /api/v1/tasks.
func apiTaskURL(id int64) string { return "/api/v1/tasks/" + strconv.FormatInt(id, 10) }

// APIRoutes registers the JSON API, described in openapi.json. Mount it at
// /api/v1/tasks behind the session and account.RequireUser. Bodies are
// JSON (httpx.DecodeJSON), answers are JSON (httpx.JSON), and every error
// is problem+json from httpx.Error.
func (c *Controller) APIRoutes(r chi.Router) {
	r.Get("/", httpx.Handle(c.apiIndex))
	r.Post("/", httpx.Handle(c.apiCreate))
	r.Get("/{id}", httpx.Handle(c.apiShow))
	r.Patch("/{id}", httpx.Handle(c.apiUpdate))
	r.Delete("/{id}", httpx.Handle(c.apiDelete))
}

// apiIndex handles GET /api/v1/tasks?status=&q=&limit=&cursor=: a page of
// the user's tasks. Unusable parameters are 422 with errors per parameter.
func (c *Controller) apiIndex(w http.ResponseWriter, r *http.Request) error {
	params, err := listParams(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := c.svc.List(r.Context(), auth.MustFrom(r), params)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusOK, page)
}

// apiCreate handles POST /api/v1/tasks: 201 with the task and its Location.
func (c *Controller) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in Input
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := c.svc.Create(r.Context(), auth.MustFrom(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", apiTaskURL(t.ID))
	return httpx.JSON(w, r, http.StatusCreated, t)
}

// apiShow handles GET /api/v1/tasks/{id}. Another user's task is 404.
func (c *Controller) apiShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	t, err := c.svc.Get(r.Context(), auth.MustFrom(r), id)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusOK, t)
}

// apiUpdate handles PATCH /api/v1/tasks/{id} with a Patch body: 200 with the
// changed task, 409 when its version is stale, 422 without a version.
func (c *Controller) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	var p Patch
	if err := httpx.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	t, err := c.svc.Patch(r.Context(), auth.MustFrom(r), id, p)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusOK, t)
}

// apiDelete handles DELETE /api/v1/tasks/{id}: 204, or 404.
func (c *Controller) apiDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.Delete(r.Context(), auth.MustFrom(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
