package app

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
)

// TestAPITokenValidation: bad input to POST /api/v1/tokens is 400 or 422
// with the field, and nothing is created.
func TestAPITokenValidation(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	spec := openapitest.Fetch(t, s.st.mux)
	browser, _ := s.signedIn(t, "alice@example.com")
	for name, tc := range map[string]struct {
		body   any
		status int
		field  string
	}{
		"no name":         {map[string]any{"name": "  ", "scope": "read"}, 422, "name"},
		"long name":       {map[string]any{"name": strings.Repeat("n", 101), "scope": "read"}, 422, "name"},
		"no scope":        {map[string]any{"name": "x"}, 422, "scope"},
		"bad scope":       {map[string]any{"name": "x", "scope": "admin"}, 422, "scope"},
		"over a year":     {map[string]any{"name": "x", "scope": "read", "expires_in_days": 366}, 422, "expires_in_days"},
		"negative expiry": {map[string]any{"name": "x", "scope": "read", "expires_in_days": -1}, 422, "expires_in_days"},
		"unknown field":   {map[string]any{"name": "x", "scope": "read", "admin": true}, 400, ""},
		"wrong type":      {map[string]any{"name": "x", "scope": "read", "expires_in_days": "ten"}, 400, ""},
	} {
		resp, body := s.do(t, browser, "POST", "/api/v1/tokens", "", tc.body)
		spec.Check(t, "POST", "/api/v1/tokens", resp, body)
		if resp.StatusCode != tc.status || (tc.field != "" && !strings.Contains(string(body), `"`+tc.field+`"`)) {
			t.Errorf("%s: %d, want %d naming %q:\n%s", name, resp.StatusCode, tc.status, tc.field, body)
		}
	}
	resp, body := s.do(t, browser, "POST", "/api/v1/tokens", "", map[string]any{"name": "year", "scope": "read", "expires_in_days": 365})
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("365 days = %d, want 201:\n%s", resp.StatusCode, body)
	}
	resp, body = s.do(t, nil, "POST", "/api/v1/tokens", "", map[string]any{"name": "x", "scope": "read"})
	spec.Check(t, "POST", "/api/v1/tokens", resp, body)
	wantUnauthorized(t, "POST /api/v1/tokens without a session", resp, body)
}

// TestAPITokenRateLimit: each token has its own per-minute budget; over it
// the answer is 429 with Retry-After.
func TestAPITokenRateLimit(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, func(c *Config) { c.APITokenRateLimit = 2 })
	browser, _ := s.signedIn(t, "alice@example.com")
	one := s.createToken(t, browser, "one", "read")["token"].(string)
	two := s.createToken(t, browser, "two", "read")["token"].(string)
	for i := range 2 {
		if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", one, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d = %d, want 200", i+1, resp.StatusCode)
		}
	}
	resp, body := s.do(t, nil, "GET", "/api/v1/tasks", one, nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third request = %d (Retry-After %q), want 429 with Retry-After:\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", two, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("another token = %d, want 200 (its own limit)", resp.StatusCode)
	}
	// The session is not limited by tokens' budgets.
	for range 3 {
		if resp, _ := s.do(t, browser, "GET", "/api/v1/tasks", "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("session request = %d, want 200", resp.StatusCode)
		}
	}
}

// TestAPITokenCrossOrigin: a bearer request without cookies is not subject
// to the cross-origin check (it cannot be forged by a browser); the same
// request with a cookie, or a cookie request, is.
func TestAPITokenCrossOrigin(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	secret := s.createToken(t, browser, "t", "read-write")["token"].(string)
	cross := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	task := map[string]any{"title": "x"}
	if resp, body := s.do(t, nil, "POST", "/api/v1/tasks", secret, task, cross...); resp.StatusCode != http.StatusCreated {
		t.Errorf("cross-site bearer request = %d, want 201:\n%s", resp.StatusCode, body)
	}
	withCookie := append([]string{"Cookie", "session=whatever"}, cross...)
	if resp, body := s.do(t, nil, "POST", "/api/v1/tasks", secret, task, withCookie...); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site bearer request with a cookie = %d, want 403:\n%s", resp.StatusCode, body)
	}
	if resp, body := s.do(t, browser, "POST", "/api/v1/tasks", "", task, cross...); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site session request = %d, want 403:\n%s", resp.StatusCode, body)
	}
	if resp, body := s.do(t, nil, "POST", "/login", secret, url.Values{"email": {"a@b.c"}}, cross...); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site bearer POST to a page = %d, want 403 (only the API skips the check):\n%s", resp.StatusCode, body)
	}
}

// TestAPITokensPage: /account/tokens creates (secret shown once), lists
// and revokes tokens.
func TestAPITokensPage(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	if _, body := s.do(t, browser, "GET", "/account", "", nil); !strings.Contains(string(body), `href="/account/tokens" data-testid="api-tokens-link"`) {
		t.Error("the account page does not link to /account/tokens")
	}
	if resp, body := s.do(t, browser, "GET", "/account/tokens", "", nil); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-testid="no-tokens"`) {
		t.Fatalf("GET /account/tokens = %d:\n%s", resp.StatusCode, body)
	}
	resp, body := s.do(t, browser, "POST", "/account/tokens", "", url.Values{"name": {"laptop"}, "scope": {"bogus"}, "expires_in_days": {"400"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(string(body), `data-testid="token-secret"`) {
		t.Errorf("bad form = %d, want 422 without a token:\n%s", resp.StatusCode, body)
	}
	resp, body = s.do(t, browser, "POST", "/account/tokens", "", url.Values{"name": {"laptop"}, "scope": {"read-write"}, "expires_in_days": {"30"}})
	secret := regexp.MustCompile(`gwpat_[A-Za-z0-9_-]{43}`).FindString(string(body))
	if resp.StatusCode != http.StatusCreated || secret == "" || !strings.Contains(string(body), `data-testid="token"`) {
		t.Fatalf("create form = %d, secret %q:\n%s", resp.StatusCode, secret, body)
	}
	if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", secret, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the page's token = %d, want 200", resp.StatusCode)
	}
	resp, body = s.do(t, browser, "GET", "/account/tokens", "", nil)
	if strings.Contains(string(body), secret) {
		t.Error("the token's secret is shown again")
	}
	id := regexp.MustCompile(`data-token-id="(\d+)"`).FindStringSubmatch(string(body))
	if id == nil {
		t.Fatalf("no token listed:\n%s", body)
	}
	if resp, _ := s.do(t, browser, "POST", "/account/tokens/"+id[1]+"/revoke", "", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("revoke form = %d, want 303", resp.StatusCode)
	}
	if resp, _ := s.do(t, browser, "POST", "/account/tokens/"+id[1]+"/revoke", "", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoking again = %d, want 404", resp.StatusCode)
	}
	if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", secret, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token = %d, want 401", resp.StatusCode)
	}
}
