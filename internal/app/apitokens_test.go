package app

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
)

var tokenPattern = regexp.MustCompile(`^gwpat_[A-Za-z0-9_-]{43}$`)

// TestAPITokenLifecycle: a session creates tokens; a read-write token
// creates, lists and deletes tasks without a cookie; a read token is 403
// on writes; a token cannot manage tokens; a revoked token is 401; only
// the SHA-256 is stored; the token never reaches the log.
func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	spec := openapitest.Fetch(t, s.st.mux)
	browser, _ := s.signedIn(t, "alice@example.com")

	created := s.createToken(t, browser, "script", "read-write")
	secret, _ := created["token"].(string)
	if !tokenPattern.MatchString(secret) {
		t.Fatalf("token %q does not match %s", secret, tokenPattern)
	}
	exp, _ := time.Parse(time.RFC3339, created["expires_at"].(string))
	if d := time.Until(exp); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("default expiry in %v, want 90 days", d)
	}
	var stored []byte
	if err := s.st.pool.QueryRow(t.Context(), `SELECT hash FROM api_tokens WHERE id = $1`, int64(created["id"].(float64))).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(secret)); string(stored) != string(sum[:]) {
		t.Error("the stored hash is not the token's SHA-256")
	}

	// The token, without a cookie: create, list, show, delete a task.
	resp, body := s.do(t, nil, "POST", "/api/v1/tasks", secret, map[string]any{"title": "by token"})
	spec.Check(t, "POST", "/api/v1/tasks", resp, body)
	if resp.StatusCode != http.StatusCreated || len(resp.Cookies()) != 0 {
		t.Fatalf("POST task with token = %d (cookies %v):\n%s", resp.StatusCode, resp.Cookies(), body)
	}
	loc := resp.Header.Get("Location")
	resp, body = s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	spec.Check(t, "GET", "/api/v1/tasks", resp, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "by token") {
		t.Errorf("GET tasks with token = %d:\n%s", resp.StatusCode, body)
	}

	// A read token reads, and is 403 on every write.
	read := s.createToken(t, browser, "reader", "read")["token"].(string)
	if resp, body := s.do(t, nil, "GET", loc, read, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET with read token = %d:\n%s", resp.StatusCode, body)
	}
	for _, m := range []string{"POST /api/v1/tasks", "PATCH " + loc, "DELETE " + loc} {
		method, path, _ := strings.Cut(m, " ")
		resp, body := s.do(t, nil, method, path, read, map[string]any{"title": "x", "version": 1})
		spec.Check(t, method, path, resp, body)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s with read token = %d, want 403:\n%s", m, resp.StatusCode, body)
		}
	}

	// A token cannot create, list or revoke tokens.
	for _, m := range []string{"POST /api/v1/tokens", "GET /api/v1/tokens", "DELETE /api/v1/tokens/1"} {
		method, path, _ := strings.Cut(m, " ")
		resp, body := s.do(t, nil, method, path, secret, map[string]any{"name": "more", "scope": "read"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s with a token = %d, want 403:\n%s", m, resp.StatusCode, body)
		}
	}

	if resp, body := s.do(t, nil, "DELETE", loc, secret, nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE task with token = %d:\n%s", resp.StatusCode, body)
	}

	// The list has both tokens, without secrets; revoking one ends it.
	resp, body = s.do(t, browser, "GET", "/api/v1/tokens", "", nil)
	spec.Check(t, "GET", "/api/v1/tokens", resp, body)
	if strings.Contains(string(body), secret) || strings.Count(string(body), `"scope"`) != 2 {
		t.Errorf("token list:\n%s", body)
	}
	path := fmt.Sprintf("/api/v1/tokens/%d", int64(created["id"].(float64)))
	resp, body = s.do(t, browser, "DELETE", path, "", nil)
	spec.Check(t, "DELETE", path, resp, body)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE token = %d:\n%s", resp.StatusCode, body)
	}
	if resp, body := s.do(t, browser, "DELETE", path, "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE revoked token again = %d, want 404:\n%s", resp.StatusCode, body)
	}
	resp, body = s.do(t, nil, "GET", "/api/v1/tasks", secret, nil)
	spec.Check(t, "GET", "/api/v1/tasks", resp, body)
	wantUnauthorized(t, "revoked token", resp, body)

	if logs := s.logs.String(); strings.Contains(logs, secret) || strings.Contains(logs, read) {
		t.Error("a token secret is in the log")
	}
	for _, ev := range []string{"api_token_created", "api_token_revoked", "api_token_rejected"} {
		if !strings.Contains(s.logs.String(), `"event":"`+ev+`"`) {
			t.Errorf("no %s audit line in the log", ev)
		}
	}
}
