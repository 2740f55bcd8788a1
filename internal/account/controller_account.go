package account

import (
	"net/http"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

// show handles GET /account.
func (c *Controller) show(w http.ResponseWriter, r *http.Request) error {
	return c.renderAccount(w, r, http.StatusOK, nil)
}

func (c *Controller) renderAccount(w http.ResponseWriter, r *http.Request, status int, passwordErrors map[string]string) error {
	u := currentUser(r)
	sessions, err := c.svc.Sessions(r.Context(), u.ID, c.currentToken(r))
	if err != nil {
		return err
	}
	return httpx.Render(w, r, status, AccountPage(AccountView{User: u, Sessions: sessions, PasswordErrors: passwordErrors}))
}

// changePassword handles POST /account/password. Every other session of
// the user ends, and this one continues under a new token.
func (c *Controller) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in ChangePasswordInput
	err := httpx.DecodeForm(w, r, &in)
	if err == nil {
		err = c.svc.ChangePassword(ctx, currentUser(r), in, c.currentToken(r), middleware.ClientIPFrom(r))
	}
	if fields, ok := apperr.InvalidFields(err); ok {
		return c.renderAccount(w, r, http.StatusUnprocessableEntity, fields)
	}
	if err != nil {
		return err
	}
	old := c.currentToken(r)
	if err := c.sessions.RenewToken(ctx); err != nil {
		return err
	}
	if err := c.svc.RenewSession(ctx, old, c.currentToken(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "Password changed. Your other sessions were signed out.")
	return httpx.Redirect(w, r, AccountURL())
}

// revokeSession handles POST /account/sessions/{id}/revoke.
func (c *Controller) revokeSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.RevokeSession(r.Context(), currentUser(r), id, c.currentToken(r), middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "That session was signed out.")
	return httpx.Redirect(w, r, AccountURL())
}

// revokeOtherSessions handles POST /account/sessions/revoke-others.
func (c *Controller) revokeOtherSessions(w http.ResponseWriter, r *http.Request) error {
	if err := c.svc.RevokeOtherSessions(r.Context(), currentUser(r), c.currentToken(r), middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "All your other sessions were signed out.")
	return httpx.Redirect(w, r, AccountURL())
}

// resendVerification handles POST /account/verify-email.
func (c *Controller) resendVerification(w http.ResponseWriter, r *http.Request) error {
	if err := c.svc.ResendVerification(r.Context(), currentUser(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "We sent you a new confirmation link.")
	return httpx.Redirect(w, r, AccountURL())
}

// index handles GET /admin/users: every account.
func (c *Controller) index(w http.ResponseWriter, r *http.Request) error {
	users, err := c.svc.Users(r.Context())
	if err != nil {
		return err
	}
	return httpx.Render(w, r, http.StatusOK, AdminUsersPage(AdminUsersView{Users: users, CurrentUserID: currentUser(r).ID}))
}

// disable handles POST /admin/users/{id}/disable.
func (c *Controller) disable(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.Disable(r.Context(), currentUser(r), id, middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "The account was disabled and its sessions ended.")
	return httpx.Redirect(w, r, AdminUsersURL())
}

// setRole handles POST /admin/users/{id}/role (form field role: user or
// admin). The user's sessions on every instance have the new role as
// soon as it commits.
func (c *Controller) setRole(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	var in SetRoleInput
	if err := httpx.DecodeForm(w, r, &in); err != nil {
		return err
	}
	if err := c.svc.SetRole(r.Context(), currentUser(r), id, in.Role, middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "The role was changed.")
	return httpx.Redirect(w, r, AdminUsersURL())
}

// currentToken is the store key of this request's session.
func (c *Controller) currentToken(r *http.Request) string {
	return session.HashToken(c.sessions.Token(r.Context()))
}
