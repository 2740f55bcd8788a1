// Package auth is who is signed in: the Identity of a request and the
// middleware that lets only users, or only admins, through.
//
// The account feature authenticates a request (from the session cookie)
// and stores its Identity with WithIdentity; every other feature reads it
// with From or MustFrom and never imports the account feature.
package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Role is what a user may do.
type Role string

// The roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// Scope is what a request may do with the user's data. A browser session
// is ScopeReadWrite; an API token has the scope it was created with.
type Scope string

// The scopes.
const (
	ScopeRead      Scope = "read"
	ScopeReadWrite Scope = "read-write"
)

// Identity is the signed-in user of a request, however it signed in
// (session cookie or API token): features cannot tell the two apart.
type Identity struct {
	UserID int64
	Email  string
	Role   Role
	// Scope limits the request; only ScopeRead is limited (to safe
	// methods), so the zero value acts as ScopeReadWrite.
	Scope Scope
}

// CanWrite reports whether the identity may change data.
func (id Identity) CanWrite() bool { return id.Scope != ScopeRead }

// IsAdmin reports whether the identity has the admin role.
func (id Identity) IsAdmin() bool { return id.Role == RoleAdmin }

type identityKey struct{}

// WithIdentity returns a copy of ctx in which id is signed in.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// From returns the signed-in identity of ctx, and false for an anonymous
// request.
func From(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// MustFrom returns the signed-in identity of r. It is for handlers mounted
// behind RequireUser, and panics without one: that is a wiring bug, which
// any test of the route catches (the recover middleware turns it into 500).
func MustFrom(r *http.Request) Identity {
	id, ok := From(r.Context())
	if !ok {
		panic("auth: handler " + r.URL.Path + " mounted without auth.RequireUser")
	}
	return id
}

// RequireUser lets signed-in requests through. Others get 401
// problem+json when they want JSON (API routes), and otherwise a redirect
// to LoginURL: HX-Redirect for htmx (a session that expired while a page
// was open must load the sign-in page, not swap it into a fragment), 303
// for the rest.
func RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := From(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		if httpx.WantsJSON(r) {
			httpx.Error(w, r, apperr.New(apperr.Unauthenticated, "Sign in to use this API."))
			return
		}
		_ = httpx.Redirect(w, r, LoginURL(r))
	})
}

// RequireAdmin lets admins through and answers 403 to everyone else.
// Mount it after RequireUser.
func RequireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := From(r.Context()); ok && id.IsAdmin() {
			next.ServeHTTP(w, r)
			return
		}
		httpx.Error(w, r, apperr.New(apperr.Forbidden, "Only administrators can see this page."))
	})
}

// RequireWriteScope answers 403 to a request that would change data
// (any method but GET, HEAD and OPTIONS) from an identity without the
// write scope: a read-only API token. Mount it after RequireUser.
func RequireWriteScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if id, ok := From(r.Context()); ok && !id.CanWrite() {
			httpx.Error(w, r, apperr.New(apperr.Forbidden, "This token is read-only."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// LoginPath is the sign-in page that RequireUser sends anonymous visitors
// to; the account feature serves it.
const LoginPath = "/login"

// LoginURL is the sign-in page, with ?next= set to the page to come back
// to after signing in, when there is one:
//   - for an htmx request, the page the user is on (HX-Current-URL, see
//     currentPage): the request's own URL is a fragment, or a POST, and
//     loading either after signing in would show a broken page;
//   - otherwise r's URL when r is a GET (a form post cannot be replayed).
//
// A boosted request or a history restore is a whole page: its own URL.
func LoginURL(r *http.Request) string {
	next := ""
	switch {
	case httpx.IsHTMX(r) && !isPageLoad(r):
		next = currentPage(r)
	case r.Method == http.MethodGet:
		next = LocalPath(r.URL.RequestURI())
	}
	if next == "" {
		return LoginPath
	}
	return LoginPath + "?next=" + url.QueryEscape(next)
}

// isPageLoad reports whether an htmx request loads a whole page (hx-boost,
// or the history cache missing on Back), so its URL is a page's.
func isPageLoad(r *http.Request) bool {
	return r.Header.Get("HX-Boosted") == "true" || r.Header.Get("HX-History-Restore-Request") == "true"
}

// currentPage returns the path and query of the page an htmx request was
// sent from (its HX-Current-URL header, a full URL), or "" when the
// header is missing, not an http(s) URL, on another host than r's, or not
// a LocalPath. The scheme is not compared: behind a TLS-terminating proxy
// the app cannot tell, and only the path is kept anyway; the host check is
// the one net/http's CrossOriginProtection makes of Origin.
func currentPage(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("HX-Current-URL"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return ""
	}
	return LocalPath(u.RequestURI())
}

// LocalPath returns next if it is a path on this site, else "": where a
// sign-in sends the user must not be another site (open redirect). It is
// the check for every ?next= (the account feature's sign-in form too).
func LocalPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}
