package home

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Controller serves the home page.
type Controller struct {
	svc *Service
}

// NewController returns a Controller over svc.
func NewController(svc *Service) *Controller {
	return &Controller{svc: svc}
}

// Routes registers the home routes on r.
func (c *Controller) Routes(r chi.Router) {
	r.Get("/", httpx.Handle(c.index)) // GET /
}

// index handles GET /. With the database down it fails with 503.
func (c *Controller) index(w http.ResponseWriter, r *http.Request) error {
	info, err := c.svc.Info(r.Context())
	if err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, IndexPage(info))
}
