package queue

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Controller serves the admin's queue page.
type Controller struct {
	svc   *Service
	flash *flash.Messages
}

// NewController returns a Controller.
func NewController(svc *Service, flashes *flash.Messages) *Controller {
	return &Controller{svc: svc, flash: flashes}
}

// Routes registers the routes; mount them at /admin/jobs behind
// auth.RequireAdmin.
func (c *Controller) Routes(r chi.Router) {
	r.Get("/", httpx.Handle(c.index))              // GET  /admin/jobs
	r.Post("/{id}/retry", httpx.Handle(c.retry))   // POST /admin/jobs/{id}/retry
	r.Post("/{id}/cancel", httpx.Handle(c.cancel)) // POST /admin/jobs/{id}/cancel
}

// JobsURL is the admin's list of failed jobs.
func JobsURL() string { return "/admin/jobs" }

// RetryURL is where job id is retried.
func RetryURL(id int64) string { return JobsURL() + "/" + strconv.FormatInt(id, 10) + "/retry" }

// CancelURL is where job id is cancelled.
func CancelURL(id int64) string { return JobsURL() + "/" + strconv.FormatInt(id, 10) + "/cancel" }

// index handles GET /admin/jobs: the failed and discarded jobs.
func (c *Controller) index(w http.ResponseWriter, r *http.Request) error {
	jobs, err := c.svc.Failed(r.Context(), auth.MustFrom(r))
	if err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, IndexPage(jobs))
}

// retry handles POST /admin/jobs/{id}/retry and redirects to the list.
func (c *Controller) retry(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.Retry(r.Context(), auth.MustFrom(r), id); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "The job will run again shortly.")
	return httpx.Redirect(w, r, JobsURL())
}

// cancel handles POST /admin/jobs/{id}/cancel and redirects to the list.
func (c *Controller) cancel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.Cancel(r.Context(), auth.MustFrom(r), id); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "The job was cancelled.")
	return httpx.Redirect(w, r, JobsURL())
}
