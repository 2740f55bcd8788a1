package account

import (
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

// sessionUserID is the session key of the signed-in user's ID.
const sessionUserID = "user_id"

// Controller serves the account pages and provides the authentication
// middleware (middleware.go).
type Controller struct {
	svc      *Service
	sessions *scs.SessionManager
	flash    *flash.Messages
	// authLimit limits the requests per minute of one client address to
	// the sign-in, sign-up and password routes.
	authLimit func(http.Handler) http.Handler
}

// NewController returns a Controller. authRateLimit is the requests per
// minute one client address may send to the routes of Routes (on top of
// the per-account sign-in throttle in PostgreSQL); throttleHits, if not
// nil, counts the requests refused.
func NewController(svc *Service, sessions *scs.SessionManager, flashes *flash.Messages, authRateLimit int, throttleHits middleware.Counter) *Controller {
	return &Controller{svc: svc, sessions: sessions, flash: flashes,
		authLimit: middleware.RateLimitByClientIP(authRateLimit, time.Minute, throttleHits)}
}

// Routes registers the routes anyone may use, behind a per-address rate
// limit: sign-up, sign-in, sign-out, password reset and email
// verification.
func (c *Controller) Routes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(c.authLimit)
		r.Get("/signup", httpx.Handle(c.new))      // GET  /signup
		r.Post("/signup", httpx.Handle(c.create))  // POST /signup
		r.Get("/login", httpx.Handle(c.loginForm)) // GET  /login
		r.Post("/login", httpx.Handle(c.login))    // POST /login
		r.Post("/logout", httpx.Handle(c.logout))  // POST /logout
		r.Get("/password/forgot", httpx.Handle(c.forgotForm))
		r.Post("/password/forgot", httpx.Handle(c.forgot))
		r.Get("/password/reset/{token}", httpx.Handle(c.resetForm))
		r.Post("/password/reset/{token}", httpx.Handle(c.reset))
		r.Get("/verify-email/{token}", httpx.Handle(c.verifyEmail))
	})
}

// AccountRoutes registers the signed-in user's routes; mount them at
// /account behind auth.RequireUser.
func (c *Controller) AccountRoutes(r chi.Router) {
	r.Get("/", httpx.Handle(c.show))                                       // GET  /account
	r.Post("/password", httpx.Handle(c.changePassword))                    // POST /account/password
	r.Post("/sessions/{id}/revoke", httpx.Handle(c.revokeSession))         // POST /account/sessions/{id}/revoke
	r.Post("/sessions/revoke-others", httpx.Handle(c.revokeOtherSessions)) // POST /account/sessions/revoke-others
	r.Post("/verify-email", httpx.Handle(c.resendVerification))            // POST /account/verify-email
	c.TokenPageRoutes(r)                                                   // /account/tokens (controller_apitokens.go)
}

// AdminRoutes registers the admin's routes; mount them at /admin behind
// auth.RequireAdmin.
func (c *Controller) AdminRoutes(r chi.Router) {
	r.Get("/users", httpx.Handle(c.index))                 // GET  /admin/users
	r.Post("/users/{id}/disable", httpx.Handle(c.disable)) // POST /admin/users/{id}/disable
	r.Post("/users/{id}/role", httpx.Handle(c.setRole))    // POST /admin/users/{id}/role
}

// new handles GET /signup.
func (c *Controller) new(w http.ResponseWriter, r *http.Request) error {
	return httpx.Render(w, r, http.StatusOK, SignupPage(SignupForm{}))
}

// create handles POST /signup: it creates the account, signs it in and
// redirects to /account. Invalid input re-renders the form with 422.
func (c *Controller) create(w http.ResponseWriter, r *http.Request) error {
	var in SignupInput
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		var u User
		if u, err = c.svc.Signup(r.Context(), in, middleware.ClientIPFrom(r)); err == nil {
			if err := c.signIn(r, u); err != nil {
				return err
			}
			c.flash.Put(r.Context(), "Welcome! We sent you a link to confirm your email address.")
			return httpx.Redirect(w, r, AccountURL())
		}
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, SignupPage(SignupForm{Email: in.Email, Errors: fields}))
	}
	return err
}

// loginForm handles GET /login.
func (c *Controller) loginForm(w http.ResponseWriter, r *http.Request) error {
	return httpx.Render(w, r, http.StatusOK, LoginPage(LoginForm{Next: auth.LocalPath(r.URL.Query().Get("next"))}))
}

// login handles POST /login. Wrong credentials re-render the form with 401
// and one generic message; the throttle answers 429 with Retry-After.
func (c *Controller) login(w http.ResponseWriter, r *http.Request) error {
	var in LoginInput
	var u User
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		u, err = c.svc.Login(r.Context(), in, middleware.ClientIPFrom(r))
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, LoginPage(LoginForm{Email: in.Email, Next: auth.LocalPath(in.Next), Errors: fields}))
	}
	if errors.Is(err, ErrInvalidCredentials) {
		return httpx.Render(w, r, http.StatusUnauthorized, LoginPage(LoginForm{
			Email: in.Email, Next: auth.LocalPath(in.Next), Error: apperr.SafeMessage(err),
		}))
	}
	if err != nil {
		return err
	}
	if err := c.signIn(r, u); err != nil {
		return err
	}
	next := auth.LocalPath(in.Next)
	if next == "" {
		next = AccountURL()
	}
	return httpx.Redirect(w, r, next)
}

// signIn binds the session to u under a new token (no fixation).
func (c *Controller) signIn(r *http.Request, u User) error {
	ctx := r.Context()
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	c.sessions.Put(ctx, sessionUserID, u.ID)
	userAgent := httpx.HeaderText(r, "User-Agent", 512) // recorded, so made storable rather than refused
	return c.svc.StartSession(ctx, u, session.HashToken(c.sessions.Token(ctx)), userAgent, middleware.ClientIPFrom(r))
}

// logout handles POST /logout: the session ends on the server, the
// browser is told to drop what it holds for the site.
func (c *Controller) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if u, ok := ctx.Value(userKey{}).(User); ok {
		if err := c.svc.Logout(ctx, u, session.HashToken(c.sessions.Token(ctx)), middleware.ClientIPFrom(r)); err != nil {
			return err
		}
	}
	if err := c.sessions.Destroy(ctx); err != nil {
		return err
	}
	// Not "cache": Chromium clears it slowly enough to stall the redirect,
	// and signed-in pages are never cached (no-store) in the first place.
	w.Header().Set("Clear-Site-Data", `"cookies", "storage"`)
	return httpx.Redirect(w, r, "/")
}

// forgotForm handles GET /password/forgot.
func (c *Controller) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return httpx.Render(w, r, http.StatusOK, ForgotPage(ForgotForm{}))
}

// forgot handles POST /password/forgot. The answer is the same whether or
// not the address has an account.
func (c *Controller) forgot(w http.ResponseWriter, r *http.Request) error {
	var in ForgotInput
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		err = c.svc.RequestPasswordReset(r.Context(), in, middleware.ClientIPFrom(r))
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, ForgotPage(ForgotForm{Email: in.Email, Errors: fields}))
	}
	if err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, ForgotPage(ForgotForm{Sent: true}))
}

// resetForm handles GET /password/reset/{token}.
func (c *Controller) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	ok, err := c.svc.ResetTokenValid(r.Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		return ErrInvalidToken
	}
	return httpx.Render(w, r, http.StatusOK, ResetPage(ResetForm{Token: token}))
}

// reset handles POST /password/reset/{token}: it sets the new password,
// ends every session of the account and sends the user to sign in.
func (c *Controller) reset(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	var in ResetInput
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		err = c.svc.ResetPassword(r.Context(), token, in, middleware.ClientIPFrom(r))
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, ResetPage(ResetForm{Token: token, Errors: fields}))
	}
	if err != nil {
		return err
	}
	// Whoever is signed in on this browser was signed out with the rest.
	if err := c.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "Your password has been changed. Sign in with the new one.")
	return httpx.Redirect(w, r, LoginURL())
}

// verifyEmail handles GET /verify-email/{token}.
func (c *Controller) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if err := c.svc.VerifyEmail(r.Context(), chi.URLParam(r, "token"), middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, VerifiedPage())
}
