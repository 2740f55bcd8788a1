package app

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/web"
)

// routeDeps is everything the router needs, built by runServe.
type routeDeps struct {
	cfg     Config
	log     *slog.Logger
	checker *health.Checker
	home    *home.Controller
	// devReload serves the live-reload stream (development only; nil otherwise).
	devReload http.Handler
}

// devReloadPath is the live-reload stream the layout listens to in development.
const devReloadPath = "/_dev/reload"

// newRouter builds the HTTP surface: every middleware, in order, and every
// mount. internal/app/testdata/routes.txt is its golden route table.
func newRouter(d routeDeps) (*chi.Mux, error) {
	crossOrigin, err := middleware.CrossOrigin(append([]string{origin(d.cfg.BaseURL)}, d.cfg.CORSAllowedOrigins...))
	if err != nil {
		return nil, err
	}

	r := chi.NewRouter()
	r.Use(
		middleware.RequestID,
		middleware.ClientIP(d.cfg.TrustedProxies),
		middleware.AccessLog(d.log),
		middleware.Recover,
		middleware.SecurityHeaders(middleware.SecurityOptions{
			Production:      d.cfg.Production(),
			AllowedHosts:    d.cfg.AllowedHosts,
			HostCheckExempt: []string{"/health", "/ready"},
		}),
		crossOrigin,
	)
	if len(d.cfg.CORSAllowedOrigins) > 0 {
		r.Use(middleware.CORS(d.cfg.CORSAllowedOrigins))
	}
	r.Use(
		middleware.BodyLimit(httpx.MaxBodyBytes),
		viewContext(d.devReload != nil),
	)
	// Later: session → authentication → authorization, per route group.

	notFound := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "")
	})
	r.NotFound(notFound)
	r.MethodNotAllowed(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.MethodNotAllowed, "")
	}))

	r.Get("/health", d.checker.Health)
	r.Get("/ready", d.checker.Ready)
	static := http.StripPrefix("/static/", web.StaticHandler(notFound))
	r.Get("/static/*", static.ServeHTTP)
	r.Head("/static/*", static.ServeHTTP)
	if d.devReload != nil {
		r.Get(devReloadPath, d.devReload.ServeHTTP)
	}

	// HTML pages.
	r.Group(d.home.Routes)

	return r, nil
}
