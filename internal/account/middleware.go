package account

import (
	"context"
	"errors"
	"net/http"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

type userKey struct{}

// currentUser returns the signed-in user as this feature knows it (with
// verification state), for handlers mounted behind auth.RequireUser.
// Other features read auth.From instead.
func currentUser(r *http.Request) User {
	u, ok := r.Context().Value(userKey{}).(User)
	if !ok {
		panic("account: handler " + r.URL.Path + " mounted without auth.RequireUser") // a wiring bug, caught by any test of the route
	}
	return u
}

// Authenticate loads the session's user, if any, into the request context
// as its auth.Identity, which every feature and the layout read. The user
// comes from the user cache when it holds the session (no query; see
// service_usercache.go for how writes on any instance drop it). A
// session whose user was signed out elsewhere or disabled is destroyed,
// and the request continues anonymous. It runs after the session
// manager's LoadAndSave (and middleware.NoStore, so personal pages are
// never cached).
func (c *Controller) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if id := c.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			u, err := c.svc.SessionUser(ctx, c.currentToken(r))
			switch {
			case errors.Is(err, ErrSessionNotFound) || (err == nil && u.ID != id):
				_ = c.sessions.Destroy(ctx) // ended elsewhere: continue signed out
			case err != nil:
				httpx.Error(w, r, err)
				return
			default:
				ctx = auth.WithIdentity(context.WithValue(ctx, userKey{}, u), u.Identity())
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
