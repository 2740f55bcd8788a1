package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
)

// TestAPITokenRejected: every way a request fails to authenticate is 401
// problem+json with WWW-Authenticate: Bearer, and the audit log says why.
func TestAPITokenRejected(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	spec := openapitest.Fetch(t, s.st.mux)
	browser, alice := s.signedIn(t, "alice@example.com")
	expired := s.createToken(t, browser, "old", "read-write")
	if _, err := s.st.pool.Exec(t.Context(), `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, int64(expired["id"].(float64))); err != nil {
		t.Fatal(err)
	}

	for name, header := range map[string]string{
		"missing":      "",
		"basic":        "Basic YWxpY2U6cGFzc3dvcmQ=",
		"empty bearer": "Bearer ",
		"unknown":      "Bearer gwpat_" + strings.Repeat("A", 43),
		"no prefix":    "Bearer " + strings.Repeat("A", 43),
		"expired":      "Bearer " + expired["token"].(string),
	} {
		var h []string
		if header != "" {
			h = []string{"Authorization", header}
		}
		resp, body := s.do(t, nil, "GET", "/api/v1/tasks", "", nil, h...)
		spec.Check(t, "GET", "/api/v1/tasks", resp, body)
		wantUnauthorized(t, name, resp, body)
	}
	if !strings.Contains(s.logs.String(), `"outcome":"expired"`) || !strings.Contains(s.logs.String(), `"outcome":"unknown"`) {
		t.Error("the audit log does not say the token was expired, or unknown")
	}

	// Disabling the account revokes its tokens.
	live := s.createToken(t, browser, "live", "read")["token"].(string)
	if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", live, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("live token = %d", resp.StatusCode)
	}
	admin, err := s.st.f.accounts.CreateUser(t.Context(), "admin@example.com", alicePassword, account.RoleAdmin, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.st.f.accounts.Disable(t.Context(), admin, alice.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	resp, body := s.do(t, nil, "GET", "/api/v1/tasks", live, nil)
	wantUnauthorized(t, "token of a disabled account", resp, body)
	var live_ int
	if err := s.st.pool.QueryRow(t.Context(), `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`, alice.ID).Scan(&live_); err != nil || live_ != 0 {
		t.Errorf("%d tokens of the disabled account are not revoked (%v)", live_, err)
	}
	if !strings.Contains(s.logs.String(), `"outcome":"revoked"`) {
		t.Error("the audit log does not say the token was revoked")
	}
}

// TestAPITokenDisabledUser: a token whose user was disabled some other way
// (not through Disable) is still refused.
func TestAPITokenDisabledUser(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, alice := s.signedIn(t, "alice@example.com")
	secret := s.createToken(t, browser, "t", "read")["token"].(string)
	if _, err := s.st.pool.Exec(t.Context(), `UPDATE users SET disabled_at = now() WHERE id = $1`, alice.ID); err != nil {
		t.Fatal(err)
	}
	resp, body := s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	wantUnauthorized(t, "disabled user", resp, body)
}

// TestAPITokenNotOnPages: a token is never read on HTML routes, which
// answer as to an anonymous visitor.
func TestAPITokenNotOnPages(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	secret := s.createToken(t, browser, "t", "read-write")["token"].(string)
	for _, path := range []string{"/tasks", "/account", "/account/tokens"} {
		resp, body := s.do(t, nil, "GET", path, secret, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET %s with a token = %d %s, want 303 to /login:\n%s", path, resp.StatusCode, resp.Header.Get("Location"), body)
		}
	}
	resp, _ := s.do(t, nil, "POST", "/tasks", secret, url.Values{"title": {"x"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("POST /tasks with a token = %d %s, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestAPITokenLastUse: a use is recorded, at most once a minute.
func TestAPITokenLastUse(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	tok := s.createToken(t, browser, "t", "read")
	id, secret := int64(tok["id"].(float64)), tok["token"].(string)
	lastUsed := func() *time.Time {
		var at *time.Time
		if err := s.st.pool.QueryRow(context.Background(), `SELECT last_used_at FROM api_tokens WHERE id = $1`, id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if lastUsed() != nil {
		t.Fatal("a new token has a last use")
	}
	s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	if lastUsed() == nil {
		t.Fatal("a use was not recorded")
	}
	set := func(ago string) {
		if _, err := s.st.pool.Exec(t.Context(), `UPDATE api_tokens SET last_used_at = now() - $2::interval WHERE id = $1`, id, ago); err != nil {
			t.Fatal(err)
		}
	}
	set("30 seconds")
	before := *lastUsed()
	s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	if !lastUsed().Equal(before) {
		t.Error("a use 30 s after the last was recorded again")
	}
	set("2 minutes")
	before = *lastUsed()
	s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	if !lastUsed().After(before) {
		t.Error("a use 2 minutes after the last was not recorded")
	}
}
