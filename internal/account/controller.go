package account

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
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
}

// NewController returns a Controller.
func NewController(svc *Service, sessions *scs.SessionManager) *Controller {
	return &Controller{svc: svc, sessions: sessions}
}

// Routes registers the routes anyone may use: sign-up, sign-in, sign-out,
// password reset and email verification.
func (c *Controller) Routes(r chi.Router) {
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
}

// AccountRoutes registers the signed-in user's routes; mount them behind
// RequireUser.
func (c *Controller) AccountRoutes(r chi.Router) {
	r.Get("/account", httpx.Handle(c.show))
	r.Post("/account/password", httpx.Handle(c.changePassword))
	r.Post("/account/sessions/{id}/revoke", httpx.Handle(c.revokeSession))
	r.Post("/account/sessions/revoke-others", httpx.Handle(c.revokeOtherSessions))
	r.Post("/account/verify-email", httpx.Handle(c.resendVerification))
}

// AdminRoutes registers the admin's routes; mount them behind RequireAdmin.
func (c *Controller) AdminRoutes(r chi.Router) {
	r.Get("/admin/users", httpx.Handle(c.users))
	r.Post("/admin/users/{id}/disable", httpx.Handle(c.disable))
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
			c.flash(r, "Welcome! We sent you a link to confirm your email address.")
			return httpx.Redirect(w, r, "/account")
		}
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return httpx.Render(w, r, http.StatusUnprocessableEntity, SignupPage(SignupForm{Email: in.Email, Errors: fields}))
	}
	return err
}

// loginForm handles GET /login.
func (c *Controller) loginForm(w http.ResponseWriter, r *http.Request) error {
	return httpx.Render(w, r, http.StatusOK, LoginPage(LoginForm{Next: localPath(r.URL.Query().Get("next"))}))
}

// login handles POST /login. Wrong credentials re-render the form with 401
// and one generic message; the throttle answers 429 with Retry-After.
func (c *Controller) login(w http.ResponseWriter, r *http.Request) error {
	var in LoginInput
	if err := httpx.DecodeForm(w, r, &in); err != nil {
		if fields, ok := apperr.InvalidFields(err); ok {
			return httpx.Render(w, r, http.StatusUnprocessableEntity, LoginPage(LoginForm{Email: in.Email, Next: localPath(in.Next), Errors: fields}))
		}
		return err
	}
	u, err := c.svc.Login(r.Context(), in, middleware.ClientIPFrom(r))
	if errors.Is(err, ErrInvalidCredentials) {
		return httpx.Render(w, r, http.StatusUnauthorized, LoginPage(LoginForm{
			Email: in.Email, Next: localPath(in.Next), Error: apperr.SafeMessage(err),
		}))
	}
	if err != nil {
		return err
	}
	if err := c.signIn(r, u); err != nil {
		return err
	}
	next := localPath(in.Next)
	if next == "" {
		next = "/account"
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
	if u, ok := UserFrom(ctx); ok {
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
	if err := httpx.DecodeForm(w, r, &in); err != nil {
		if fields, ok := apperr.InvalidFields(err); ok {
			return httpx.Render(w, r, http.StatusUnprocessableEntity, ForgotPage(ForgotForm{Email: in.Email, Errors: fields}))
		}
		return err
	}
	c.svc.RequestPasswordReset(r.Context(), in.Email, middleware.ClientIPFrom(r))
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
	c.flash(r, "Your password has been changed. Sign in with the new one.")
	return httpx.Redirect(w, r, "/login")
}

// verifyEmail handles GET /verify-email/{token}.
func (c *Controller) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if err := c.svc.VerifyEmail(r.Context(), chi.URLParam(r, "token"), middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, VerifiedPage())
}

// flash stores a message shown as a toast on the next page.
func (c *Controller) flash(r *http.Request, msg string) {
	session.PutFlash(r.Context(), c.sessions, msg)
}

// localPath returns next if it is a path on this site, else "": a sign-in
// link must not send the user to another site (open redirect).
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// idParam parses the {id} route parameter; a bad one is a 404.
func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "")
	}
	return id, nil
}
