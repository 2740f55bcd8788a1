package attachments

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// UploadRoutes registers the presign route; mount them at /api/v1/uploads
// behind auth.RequireUser.
func (c *Controller) UploadRoutes(r chi.Router) {
	r.Post("/", httpx.Handle(c.apiCreateUpload)) // POST /api/v1/uploads
}

// APIRoutes registers a task's attachments in the JSON API; mount them at
// /api/v1/tasks/{id}/attachments behind auth.RequireUser.
func (c *Controller) APIRoutes(r chi.Router) {
	r.Get("/", httpx.Handle(c.apiIndex))          // GET    /api/v1/tasks/{id}/attachments
	r.Post("/", httpx.Handle(c.apiCreate))        // POST   /api/v1/tasks/{id}/attachments (finalize)
	r.Get("/{aid}", httpx.Handle(c.show))         // GET    /api/v1/tasks/{id}/attachments/{aid} → 303
	r.Delete("/{aid}", httpx.Handle(c.apiDelete)) // DELETE /api/v1/tasks/{id}/attachments/{aid}
}

// apiCreateUpload handles POST /api/v1/uploads: 201 with the key and how to
// send the file straight to storage.
func (c *Controller) apiCreateUpload(w http.ResponseWriter, r *http.Request) error {
	var in UploadInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	up, err := c.svc.Presign(r.Context(), auth.MustFrom(r), in)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusCreated, up)
}

// apiIndex handles GET /api/v1/tasks/{id}/attachments.
func (c *Controller) apiIndex(w http.ResponseWriter, r *http.Request) error {
	taskID, _, err := taskAndID(r, false)
	if err != nil {
		return err
	}
	list, err := c.svc.List(r.Context(), auth.MustFrom(r), taskID)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusOK, map[string][]Attachment{"items": list})
}

// apiCreate handles POST /api/v1/tasks/{id}/attachments: it verifies the
// uploaded file and attaches it (201), or answers 422.
func (c *Controller) apiCreate(w http.ResponseWriter, r *http.Request) error {
	taskID, _, err := taskAndID(r, false)
	if err != nil {
		return err
	}
	var in FinalizeInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := c.svc.Finalize(r.Context(), auth.MustFrom(r), taskID, in)
	if err != nil {
		return err
	}
	return httpx.JSON(w, r, http.StatusCreated, a)
}

// apiDelete handles DELETE /api/v1/tasks/{id}/attachments/{aid}: 204.
func (c *Controller) apiDelete(w http.ResponseWriter, r *http.Request) error {
	taskID, id, err := taskAndID(r, true)
	if err != nil {
		return err
	}
	if err := c.svc.Delete(r.Context(), auth.MustFrom(r), taskID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
