// Package httpxtest runs a feature's routes behind the real middleware
// chain (middleware.Stack, sessions, flash messages, the error responder)
// on a test server, with a signed-in identity per client, so that each
// feature's controller and API tests live in the feature's own folder.
//
//	pool := pgtest.NewPool(t)
//	h := httpxtest.New(t, httpxtest.Options{Pool: pool, Views: layout.ErrorViews()})
//	c := tasks.NewController(tasks.NewService(pool, time.Now), h.Flash)
//	srv := h.Serve(func(r chi.Router) { r.With(auth.RequireUser).Route("/tasks", c.Routes) })
//	alice := srv.Client(&auth.Identity{UserID: id, Email: "alice@example.com", Role: auth.RoleUser})
//	resp, body := alice.Get("/tasks")
package httpxtest

import (
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

// Options configure New.
type Options struct {
	// Pool holds the sessions (and flash messages); a test database.
	Pool *pgxpool.Pool
	// Views draw HTML errors: layout.ErrorViews() in feature tests. The
	// zero value answers HTML errors in plain text.
	Views httpx.ErrorViews
	// Log receives the JSON log at debug level; nil discards it.
	Log io.Writer
	// TrustedProxies are the CIDRs whose X-Forwarded-For is believed (the
	// app's TRUSTED_PROXIES); none by default, so the client IP is the
	// peer's address.
	TrustedProxies []string
	// Session configures the session cookie (Secure: __Host-session) and
	// its timeouts; a zero timeout gets the app's default (sessionOptions).
	Session session.Options
}

// Harness is what a feature's controller is built with in a test: the
// session manager and the flash messages of the chain that Serve runs.
type Harness struct {
	t        testing.TB
	opts     Options
	Sessions *scs.SessionManager
	Flash    *flash.Messages
}

// New returns a Harness over o.Pool.
func New(t testing.TB, o Options) *Harness {
	t.Helper()
	if o.Log == nil {
		o.Log = io.Discard
	}
	sessions := session.New(o.Pool, sessionOptions(o.Session))
	return &Harness{t: t, opts: o, Sessions: sessions, Flash: flash.New(sessions)}
}

// Server is a feature's routes on an httptest.Server.
type Server struct {
	*httptest.Server
	t          testing.TB
	mu         sync.Mutex
	identities map[string]auth.Identity // test cookie value → identity
}

// identityCookie names the test client's identity; the harness's
// authentication reads it where the account feature reads the session.
const identityCookie = "httpxtest-identity"

// Serve starts a server that runs mount behind the chain of
// internal/app's router: the error views, middleware.Stack, no-store,
// sessions, flash messages, then authentication of the client's identity.
// mount applies the authorization itself, as routes.go does
// (r.With(auth.RequireUser).Route("/tasks", c.Routes)).
func (h *Harness) Serve(mount func(r chi.Router)) *Server {
	h.t.Helper()
	stack, err := middleware.Stack(middleware.StackOptions{
		Log:            slog.New(slog.NewJSONHandler(h.opts.Log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		TrustedProxies: h.opts.TrustedProxies,
		MaxBodyBytes:   httpx.MaxBodyBytes,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	s := &Server{t: h.t, identities: map[string]auth.Identity{}}
	r := chi.NewRouter()
	r.Use(httpx.UseErrorViews(h.opts.Views))
	r.Use(stack...)
	r.Use(middleware.NoStore, h.Sessions.LoadAndSave, h.Flash.Load, s.authenticate)
	r.Group(mount)
	s.Server = httptest.NewServer(r)
	h.t.Cleanup(s.Close)
	return s
}

// authenticate puts the identity the client's test cookie names into the
// request context (auth.WithIdentity), as the account feature would.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(identityCookie); err == nil {
			s.mu.Lock()
			id, ok := s.identities[c.Value]
			s.mu.Unlock()
			if ok {
				r = r.WithContext(auth.WithIdentity(r.Context(), id))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Client returns a client of s with its own cookie jar, signed in as id
// (anonymous when id is nil).
func (s *Server) Client(id *auth.Identity) *Client {
	c := NewClient(s.t, s.URL)
	if id != nil {
		token := rand.Text()
		s.mu.Lock()
		s.identities[token] = *id
		s.mu.Unlock()
		c.SetCookie(identityCookie, token)
	}
	return c
}
