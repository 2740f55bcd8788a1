package app

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi"
	"github.com/groundwork-dev/groundwork/web"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// routeDeps is everything the router needs, built by runServe.
type routeDeps struct {
	cfg     Config
	log     *slog.Logger
	checker *health.Checker
	features
	// devReload serves the live-reload stream (development only; nil otherwise).
	devReload http.Handler
	// obs is metrics and tracing; nil leaves them out.
	obs *observability
}

// devReloadPath is the live-reload stream the layout listens to in development.
const devReloadPath = "/_dev/reload"

// newRouter builds the HTTP surface: every middleware, in order, and every
// mount. internal/app/testdata/routes.txt is its golden route table.
func newRouter(d routeDeps) (*chi.Mux, error) {
	stack, err := middleware.Stack(middleware.StackOptions{
		Log:            d.log,
		TrustedProxies: d.cfg.TrustedProxies,
		Security: middleware.SecurityOptions{
			Production:      d.cfg.Production(),
			AllowedHosts:    d.cfg.AllowedHosts,
			HostCheckExempt: []string{"/health", "/ready"},
			StorageOrigin:   storageOrigin(d.cfg),
		},
		TrustedOrigins: append([]string{origin(d.cfg.BaseURL)}, d.cfg.CORSAllowedOrigins...),
		CORSOrigins:    d.cfg.CORSAllowedOrigins,
		BearerPaths:    []string{"/api/"},
		MaxBodyBytes:   httpx.MaxBodyBytes,
		// The local storage driver's uploads are limited by their signed size.
		LargeBodyPrefixes: []string{localStoragePath + "/"},
		Observe:           d.obs.middleware(),
	})
	if err != nil {
		return nil, err
	}
	apiDoc, err := openAPIDocument()
	if err != nil {
		return nil, err
	}
	compress, err := middleware.Compress()
	if err != nil {
		return nil, err
	}

	r := chi.NewRouter()
	// The responder draws HTML errors with the layout's page and toast.
	r.Use(httpx.UseErrorViews(layout.ErrorViews()))
	r.Use(stack...)
	r.Use(compress) // large HTML and JSON gzipped; inside the log and metrics, which see the plain answer
	r.Use(viewContext(d.devReload != nil))
	mountInfrastructure(r, d)

	// Pages: session → flash → authentication → authorization → handler.
	r.Group(func(r chi.Router) {
		r.Use(middleware.NoStore, d.sessions.LoadAndSave, d.flash.Load, d.account.Authenticate)
		r.Group(d.home.Routes)
		r.Group(d.account.Routes) // its own per-address rate limit
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireUser)
			r.Route("/account", d.account.AccountRoutes)
			r.Route("/tasks", d.tasks.Routes)
			r.Route("/tasks/{id}/attachments", d.attachments.Routes)
			r.With(auth.RequireAdmin).Route("/admin", func(r chi.Router) {
				d.account.AdminRoutes(r)
				r.Route("/jobs", d.queue.Routes)
			})
		})
	})

	// JSON API: the session, or an API token (Authorization: Bearer, never
	// read on pages), with the same Identity; a read-only token is 403 on
	// writes; errors as problem+json (httpx.WantsJSON).
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/openapi.json", openapi.Handler(apiDoc))
		r.Group(func(r chi.Router) {
			r.Use(middleware.NoStore, d.account.AuthenticateAPI(d.cfg.APITokenRateLimit), auth.RequireWriteScope)
			r.Route("/tasks", d.tasks.APIRoutes)
			r.Route("/tasks/{id}/attachments", d.attachments.APIRoutes)
			r.Route("/uploads", d.attachments.UploadRoutes)
			r.Route("/tokens", d.account.TokenAPIRoutes)
		})
	})
	return r, nil
}

// mountInfrastructure mounts what is not a feature: the 404 and 405
// answers, the probes, static files and the development reload stream.
func mountInfrastructure(r chi.Router, d routeDeps) {
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
	if d.localStore != nil {
		// Signed URLs are the authorization: no session here.
		r.Route(localStoragePath, d.localStore.Routes)
	}
}
