package account

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// APITokensURL is the page of the user's API tokens (GET) and where its
// creation form is posted.
func APITokensURL() string { return AccountURL() + "/tokens" }

// RevokeAPITokenURL is where the form that revokes one token is posted.
func RevokeAPITokenURL(id int64) string {
	return APITokensURL() + "/" + strconv.FormatInt(id, 10) + "/revoke"
}

// apiTokenURL is a token in the JSON API (internal/app mounts
// TokenAPIRoutes at /api/v1/tokens).
func apiTokenURL(id int64) string { return "/api/v1/tokens/" + strconv.FormatInt(id, 10) }

// TokenPageRoutes registers the tokens page; mount it inside AccountRoutes'
// router (/account) behind auth.RequireUser.
func (c *Controller) TokenPageRoutes(r chi.Router) {
	r.Get("/tokens", httpx.Handle(c.tokensPage))                   // GET  /account/tokens
	r.Post("/tokens", httpx.Handle(c.createTokenForm))             // POST /account/tokens
	r.Post("/tokens/{id}/revoke", httpx.Handle(c.revokeTokenForm)) // POST /account/tokens/{id}/revoke
}

// TokenAPIRoutes registers the tokens API (account/openapi.json); mount it
// at /api/v1/tokens behind AuthenticateAPI. Only a session may use it: a
// token cannot mint, list or revoke tokens (403).
func (c *Controller) TokenAPIRoutes(r chi.Router) {
	r.Use(sessionOnly)
	r.Get("/", httpx.Handle(c.apiListTokens))
	r.Post("/", httpx.Handle(c.apiCreateToken))
	r.Delete("/{id}", httpx.Handle(c.apiRevokeToken))
}

func sessionOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if viaBearer(r) {
			httpx.Error(w, r, ErrTokenCannotMint)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiTokenCreated is the answer to POST /api/v1/tokens: the one time the
// token's secret is sent.
type apiTokenCreated struct {
	APIToken
	Token string `json:"token"`
}

// apiTokenList is the answer to GET /api/v1/tokens.
type apiTokenList struct {
	Items []APIToken `json:"items"`
}

// apiCreateToken handles POST /api/v1/tokens: 201 with the token.
func (c *Controller) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in APITokenInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := c.svc.CreateAPIToken(r.Context(), currentUser(r), in, middleware.ClientIPFrom(r))
	if err != nil {
		return err
	}
	w.Header().Set("Location", apiTokenURL(t.ID))
	return httpx.JSON(w, r, http.StatusCreated, apiTokenCreated{APIToken: t.APIToken, Token: t.Secret})
}

// apiListTokens handles GET /api/v1/tokens: the user's tokens, without
// their secrets.
func (c *Controller) apiListTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := c.svc.APITokens(r.Context(), currentUser(r).ID)
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []APIToken{} // [] rather than null
	}
	return httpx.JSON(w, r, http.StatusOK, apiTokenList{Items: tokens})
}

// apiRevokeToken handles DELETE /api/v1/tokens/{id}: 204, or 404 for a
// token that is not the user's or is already revoked.
func (c *Controller) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.RevokeAPIToken(r.Context(), currentUser(r), id, middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tokensPage handles GET /account/tokens.
func (c *Controller) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return c.renderTokens(w, r, http.StatusOK, TokensView{Input: APITokenInput{Scope: "read", ExpiresInDays: DefaultAPITokenDays}})
}

// createTokenForm handles POST /account/tokens: the page again, with the
// new token shown once (the page is never cached: middleware.NoStore).
func (c *Controller) createTokenForm(w http.ResponseWriter, r *http.Request) error {
	var in APITokenInput
	if err := httpx.DecodeForm(w, r, &in); err != nil {
		return err
	}
	t, err := c.svc.CreateAPIToken(r.Context(), currentUser(r), in, middleware.ClientIPFrom(r))
	if fields, ok := apperr.InvalidFields(err); ok {
		return c.renderTokens(w, r, http.StatusUnprocessableEntity, TokensView{Input: in, Errors: fields})
	}
	if err != nil {
		return err
	}
	return c.renderTokens(w, r, http.StatusCreated, TokensView{Input: APITokenInput{Scope: "read", ExpiresInDays: DefaultAPITokenDays}, Created: &t})
}

// revokeTokenForm handles POST /account/tokens/{id}/revoke.
func (c *Controller) revokeTokenForm(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(r, "id")
	if err != nil {
		return err
	}
	if err := c.svc.RevokeAPIToken(r.Context(), currentUser(r), id, middleware.ClientIPFrom(r)); err != nil {
		return err
	}
	c.flash.Put(r.Context(), "The token was revoked.")
	return httpx.Redirect(w, r, APITokensURL())
}

func (c *Controller) renderTokens(w http.ResponseWriter, r *http.Request, status int, v TokensView) error {
	tokens, err := c.svc.APITokens(r.Context(), currentUser(r).ID)
	if err != nil {
		return err
	}
	v.Tokens = tokens
	return httpx.Render(w, r, status, TokensPage(v))
}
