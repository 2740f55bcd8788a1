package account

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

type bearerKey struct{}

// viaBearer reports whether r was authenticated by an API token, which
// only this feature needs to know (a token cannot manage tokens).
func viaBearer(r *http.Request) bool {
	_, ok := r.Context().Value(bearerKey{}).(int64)
	return ok
}

// AuthenticateAPI is the authentication of the JSON API: a request with an
// Authorization header is authenticated by its bearer token alone (no
// session is loaded and no cookie is set); any other request by its
// session, as Authenticate does for pages. Either way the request gets the
// same auth.Identity, with the token's scope for a token. A request that
// ends up anonymous, or whose token is not valid, gets 401 problem+json
// with WWW-Authenticate: Bearer. Each token may send tokenRateLimit
// requests a minute (429 with Retry-After beyond that). Mount it only on
// API routes: pages never read a bearer token.
func (c *Controller) AuthenticateAPI(tokenRateLimit int) func(http.Handler) http.Handler {
	limit := httprate.Limit(tokenRateLimit, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
			id, _ := r.Context().Value(bearerKey{}).(int64)
			return strconv.FormatInt(id, 10), nil
		}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			httpx.Error(w, r, &apperr.Error{Kind: apperr.TooManyRequests, Message: "This token sent too many requests; slow down.", RetryAfter: time.Minute})
		}),
	)
	return func(next http.Handler) http.Handler {
		limited := limit(next)
		session := c.sessions.LoadAndSave(c.Authenticate(requireAPIUser(next)))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, present := r.Header["Authorization"]; !present {
				session.ServeHTTP(w, r)
				return
			}
			secret, ok := bearerToken(r)
			if !ok {
				unauthorized(w, r, ErrAPITokenInvalid)
				return
			}
			u, t, err := c.svc.AuthenticateAPIToken(r.Context(), secret, middleware.ClientIPFrom(r))
			if err != nil {
				unauthorized(w, r, err)
				return
			}
			id := u.Identity()
			id.Scope = t.Scope
			ctx := context.WithValue(r.Context(), bearerKey{}, t.ID)
			ctx = auth.WithIdentity(context.WithValue(ctx, userKey{}, u), id)
			limited.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// bearerToken is the token of an "Authorization: Bearer <token>" header
// (the scheme is case-insensitive, RFC 9110 §11.1).
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// requireAPIUser answers 401 with the Bearer challenge to an anonymous
// API request.
func requireAPIUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.From(r.Context()); !ok {
			unauthorized(w, r, apperr.New(apperr.Unauthenticated, "Sign in, or send an API token (Authorization: Bearer …), to use this API."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unauthorized answers 401 with the challenge RFC 6750 asks for. A 5xx
// (the token could not be checked) is answered as itself.
func unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.KindOf(err) == apperr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
	}
	httpx.Error(w, r, err)
}
