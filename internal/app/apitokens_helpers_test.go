package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
)

// tokenServer is the whole router (accountServer) with its log captured,
// for the API token tests (issue 17).
type tokenServer struct {
	*httptest.Server
	st   *testStack
	logs *logtest.Buffer
}

func newTokenServer(t *testing.T, change func(*Config)) *tokenServer {
	t.Helper()
	logs := &logtest.Buffer{}
	srv, st := accountServer(t, change, logs, nil)
	return &tokenServer{Server: srv, st: st, logs: logs}
}

// signedIn creates a verified user and returns a client (cookie jar)
// signed in as them through the form, and the user.
func (s *tokenServer) signedIn(t *testing.T, email string) (*http.Client, account.User) {
	t.Helper()
	u, err := s.st.f.accounts.CreateUser(t.Context(), email, alicePassword, account.RoleUser, true)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := s.do(t, c, "POST", "/login", "", url.Values{"email": {email}, "password": {alicePassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d, want 303", resp.StatusCode)
	}
	return c, u
}

// createToken creates a token through the API with the session of c and
// returns the answer's fields.
func (s *tokenServer) createToken(t *testing.T, c *http.Client, name, scope string) map[string]any {
	t.Helper()
	resp, body := s.do(t, c, "POST", "/api/v1/tokens", "", map[string]any{"name": name, "scope": scope})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/tokens = %d, want 201:\n%s", resp.StatusCode, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// do sends a request: body is url.Values (a form), anything else non-nil
// is sent as JSON. bearer, if set, is sent as the Authorization header. c
// nil is a client without cookies that does not follow redirects.
func (s *tokenServer) do(t *testing.T, c *http.Client, method, path, bearer string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

// wantUnauthorized checks a 401 problem+json with the Bearer challenge.
func wantUnauthorized(t *testing.T, what string, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s = %d, want 401:\n%s", what, resp.StatusCode, body)
	}
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("%s: WWW-Authenticate = %q, want Bearer", what, got)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: Content-Type = %q, want problem+json", what, ct)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("%s: set cookies %v; a bearer request gets none", what, resp.Cookies())
	}
}
