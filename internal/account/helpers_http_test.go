package account_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// The HTTP tests (controller*_test.go, sessions_test.go, security*_test.go)
// run the feature's routes behind the real middleware chain (httpxtest),
// mounted as internal/app/routes.go mounts them, on a test database.
// Clients are anonymous browsers that sign up and sign in through the
// forms, so the account feature's own Authenticate does the work.

// changedPassword is what a test changes or resets goodPassword to.
const changedPassword = "a brand new passphrase 42"

// sessionCookie is the session cookie's name on an http site.
var sessionCookie = session.CookieName(false)

// serverOptions change newServer's defaults.
type serverOptions struct {
	http    httpxtest.Options // Pool and Views are filled in
	account account.Config    // as newServiceWith fills it in
	params  password.Params   // zero: fastParams
	// rateLimit is the per-address limit of the public routes; zero lifts
	// it out of the way (it has its own test).
	rateLimit int
}

// testServer is the account feature on a test server, with what tests
// look behind: the database, the service and the mail it sent.
type testServer struct {
	*httpxtest.Server
	pool *pgxpool.Pool
	svc  *account.Service
	mail *mailbox
}

// newServer mounts the account feature on a fresh database.
func newServer(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	pool := pgtest.NewPool(t)
	if o.params == (password.Params{}) {
		o.params = fastParams
	}
	if o.rateLimit == 0 {
		o.rateLimit = 10000
	}
	svc, capture := newServiceWith(t, pool, o.params, o.account)
	o.http.Pool, o.http.Views = pool, layout.ErrorViews()
	h := httpxtest.New(t, o.http)
	c := account.NewController(svc, h.Sessions, h.Flash, o.rateLimit, nil)
	srv := h.Serve(func(r chi.Router) {
		r.Use(c.Authenticate)
		r.Group(c.Routes)
		r.With(auth.RequireUser).Route("/account", c.AccountRoutes)
		r.With(auth.RequireUser, auth.RequireAdmin).Route("/admin", c.AdminRoutes)
	})
	return &testServer{Server: srv, pool: pool, svc: svc, mail: capture}
}

// mustCreateVerified creates a user with goodPassword and a confirmed
// address, as `app user create` does.
func (s *testServer) mustCreateVerified(t *testing.T, email string, role account.Role) account.User {
	t.Helper()
	u, err := s.svc.CreateUser(testCtx(t), email, goodPassword, role, true)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// userID returns the ID of the account of email.
func (s *testServer) userID(t *testing.T, email string) int64 {
	t.Helper()
	var id int64
	if err := s.pool.QueryRow(t.Context(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatalf("user %q: %v", email, err)
	}
	return id
}

// sessionStored reports whether the session store holds the session
// whose cookie value is cookie.
func (s *testServer) sessionStored(t *testing.T, cookie string) bool {
	t.Helper()
	return storeRowExists(t, s.pool, session.HashToken(cookie))
}

// browser is an anonymous client of the server with its own cookie jar,
// which signs up and in through the forms.
type browser struct {
	*httpxtest.Client
	t *testing.T
}

func (s *testServer) browser(t *testing.T) *browser {
	return &browser{Client: s.Client(nil), t: t}
}

// signup signs up through the form, which signs the new account in.
func (b *browser) signup(email, pw string) {
	b.t.Helper()
	resp, body := b.Post(account.SignupURL(), url.Values{"email": {email}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != account.AccountURL() {
		b.t.Fatalf("signup %s = %d %s:\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// login posts the sign-in form.
func (b *browser) login(email, pw string) *http.Response {
	b.t.Helper()
	resp, _ := b.Post(account.LoginURL(), url.Values{"email": {email}, "password": {pw}})
	return resp
}

// logout posts the sign-out form.
func (b *browser) logout() *http.Response {
	b.t.Helper()
	resp, _ := b.Post(account.LogoutURL(), url.Values{})
	return resp
}

// signedIn reports whether the account page shows (not a redirect to
// sign in).
func (b *browser) signedIn() bool {
	b.t.Helper()
	resp, _ := b.Get(account.AccountURL())
	return resp.StatusCode == http.StatusOK
}

// session is the session cookie the browser holds, or "".
func (b *browser) session() string { return b.Cookie(sessionCookie) }
