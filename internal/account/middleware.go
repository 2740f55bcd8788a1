package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/web/layout"
)

type userKey struct{}

// UserFrom returns the signed-in user of the request, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

// mustUser returns the signed-in user; only for handlers behind RequireUser.
func mustUser(r *http.Request) User {
	u, ok := UserFrom(r.Context())
	if !ok {
		panic("account: handler mounted without RequireUser") // a wiring bug, caught by any test of the route
	}
	return u
}

// Authenticate loads the session's user, if any, into the request context
// (UserFrom, and the layout's navigation), and moves a pending flash
// message into the layout. A session whose user was signed out elsewhere
// or disabled is destroyed. It runs after the session manager's
// LoadAndSave (and middleware.NoStore, so personal pages are never cached).
func (c *Controller) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if msg := session.PopFlash(ctx, c.sessions); msg != "" {
			ctx = layout.WithFlashes(ctx, []layout.Flash{{Variant: "success", Message: msg}})
		}
		if id := c.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			u, err := c.svc.SessionUser(ctx, c.currentToken(r))
			switch {
			case errors.Is(err, ErrSessionNotFound) || (err == nil && u.ID != id):
				_ = c.sessions.Destroy(ctx) // ended elsewhere: continue signed out
			case err != nil:
				httpx.Error(w, r, err)
				return
			default:
				ctx = context.WithValue(ctx, userKey{}, u)
				ctx = layout.WithUser(ctx, layout.User{Email: u.Email, IsAdmin: u.IsAdmin()})
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequireUser lets signed-in users through. Others get 401 problem+json on
// API routes and a redirect to /login?next=… on pages.
func RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := UserFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		if httpx.WantsJSON(r) {
			httpx.Error(w, r, apperr.New(apperr.Unauthenticated, "Sign in to use this API."))
			return
		}
		target := "/login"
		if r.Method == http.MethodGet {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		_ = httpx.Redirect(w, r, target)
	})
}

// RequireAdmin lets admins through and answers 403 to everyone else.
// Mount it after RequireUser.
func RequireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := UserFrom(r.Context()); ok && u.IsAdmin() {
			next.ServeHTTP(w, r)
			return
		}
		httpx.Error(w, r, apperr.New(apperr.Forbidden, "Only administrators can see this page."))
	})
}
