package app

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/internal/tasks"
	"github.com/groundwork-dev/groundwork/web"
)

// routeDeps is everything the router needs, built by runServe.
type routeDeps struct {
	cfg     Config
	log     *slog.Logger
	checker *health.Checker
	features
	// devReload serves the live-reload stream (development only; nil otherwise).
	devReload http.Handler
	// obs is metrics and tracing (issue 14); nil leaves them out.
	obs *observability
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
		d.obs.middleware(), // metrics + tracing (issue 14), before the log so it has the trace ID
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

	// Pages: session → authentication → authorization → handler.
	r.Group(func(r chi.Router) {
		r.Use(middleware.NoStore, d.sessions.LoadAndSave, d.account.Authenticate)
		r.Group(d.home.Routes)
		r.Group(func(r chi.Router) {
			r.Use(perClientIP(d.cfg.AuthRateLimit, time.Minute, d.obs.meter().ThrottleHits(metrics.ThrottleClientIP)))
			d.account.Routes(r)
		})
		r.Group(func(r chi.Router) {
			r.Use(account.RequireUser)
			d.account.AccountRoutes(r)
			r.Route("/tasks", d.tasks.Routes)
			r.With(account.RequireAdmin).Group(d.account.AdminRoutes)
		})
	})

	// JSON API: the same session, errors as problem+json (httpx.WantsJSON).
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/openapi.json", tasks.OpenAPI)
		r.Group(func(r chi.Router) {
			r.Use(middleware.NoStore, d.sessions.LoadAndSave, d.account.Authenticate, account.RequireUser)
			r.Route("/tasks", d.tasks.APIRoutes)
		})
	})

	return r, nil
}

// perClientIP limits each client address to limit requests per window on
// the routes it wraps (an in-memory count per instance; sign-in failures
// are also throttled per account in PostgreSQL). Over the limit: 429 with
// Retry-After, through the responder, counted in hits if not nil.
func perClientIP(limit int, window time.Duration, hits prometheus.Counter) func(http.Handler) http.Handler {
	return httprate.Limit(limit, window,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return middleware.ClientIPFrom(r), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			if hits != nil {
				hits.Inc()
			}
			httpx.Error(w, r, &apperr.Error{Kind: apperr.TooManyRequests, RetryAfter: window})
		}),
	)
}
