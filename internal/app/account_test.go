package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

const (
	alicePassword = "correct horse battery staple"
	newPassword   = "a brand new passphrase 42"
)

// browser is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see each 303.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
	header http.Header // sent with every request (X-Forwarded-For, …)
}

func newBrowserClient(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

func (b *browser) get(path string, header ...string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil, header...)
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodPost, path, form, header...)
}

// cookie returns the session cookie the jar holds, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func (b *browser) signup(email, pw string) {
	b.t.Helper()
	resp, body := b.post("/signup", url.Values{"email": {email}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		b.t.Fatalf("signup %s = %d %s:\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func (b *browser) login(email, pw string) *http.Response {
	b.t.Helper()
	resp, _ := b.post("/login", url.Values{"email": {email}, "password": {pw}})
	return resp
}

// signedIn reports whether GET /account shows the account page.
func (b *browser) signedIn() bool {
	b.t.Helper()
	resp, _ := b.get("/account")
	return resp.StatusCode == http.StatusOK
}

func accountServer(t *testing.T, change func(*Config), logs io.Writer, hasher *password.Hasher) (*httptest.Server, *testStack) {
	t.Helper()
	cfg := testConfig(t)
	cfg.AuthRateLimit = 10000 // the per-IP limiter has its own test
	if change != nil {
		change(&cfg)
	}
	if logs == nil {
		logs = io.Discard
	}
	st := newTestStack(t, cfg, logs, hasher)
	srv := httptest.NewServer(st.mux)
	t.Cleanup(srv.Close)
	return srv, st
}

func sessionRows(t *testing.T, st *testStack, cookie string) int {
	t.Helper()
	var n int
	if err := st.pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, session.HashToken(cookie)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignupLoginLogout covers the main flow and T15: logout ends the
// session on the server, and the old cookie no longer works.
func TestSignupLoginLogout(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup("Alice@Example.com", alicePassword)

	resp, body := b.get("/account")
	if resp.StatusCode != 200 || !strings.Contains(body, "alice@example.com") {
		t.Fatalf("GET /account after signup = %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("authenticated page Cache-Control = %q, want no-store (T7)", cc)
	}
	if doc := mustDoc(t, body); doc.Find(`[data-testid="toast"]`).Length() != 1 {
		t.Errorf("no welcome toast after signup")
	}
	old := b.cookie("session")

	resp, _ = b.post("/logout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Clear-Site-Data") == "" {
		t.Errorf("logout = %d, Clear-Site-Data %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Max-Age=0") && !strings.Contains(sc, "Max-Age=-1") {
		t.Errorf("logout Set-Cookie = %q, want the cookie expired", sc)
	}
	if sessionRows(t, st, old) != 0 {
		t.Error("the session row survived logout")
	}
	replay := newBrowserClient(t, srv.URL)
	replay.setCookie("session", old)
	resp, _ = replay.get("/account")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Faccount" {
		t.Errorf("replayed cookie after logout: GET /account = %d %s, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = replay.get("/account", "Accept", "application/json")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API-style request without a session = %d %s, want 401 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	resp = b.login("alice@example.com", alicePassword)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	if cc := resp.Header.Values("Cache-Control"); len(resp.Header.Values("Set-Cookie")) == 0 || !slices.Contains(cc, "no-store") {
		t.Errorf("the response that sets the session cookie has Cache-Control %q, want no-store (T7)", cc)
	}
	if !b.signedIn() {
		t.Error("not signed in after login")
	}
}

// TestSessionFixation is T14: signing in always issues a new token, and the
// session that existed before is gone.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup("bob@example.com", alicePassword)
	b.post("/logout", url.Values{})
	b.signup("alice@example.com", alicePassword)
	s0 := b.cookie("session")

	// An attacker-chosen cookie is never adopted either.
	b.login("bob@example.com", alicePassword)
	s1 := b.cookie("session")
	if s1 == "" || s1 == s0 {
		t.Fatalf("session token not renewed on login: before %q, after %q", s0, s1)
	}
	if sessionRows(t, st, s0) != 0 {
		t.Error("the pre-login session still exists in the store")
	}
	old := newBrowserClient(t, srv.URL)
	old.setCookie("session", s0)
	if old.signedIn() {
		t.Error("the pre-login token still signs in")
	}

	fixed := newBrowserClient(t, srv.URL)
	fixed.setCookie("session", "attacker-chosen-token")
	fixed.login("bob@example.com", alicePassword)
	if got := fixed.cookie("session"); got == "attacker-chosen-token" || got == "" {
		t.Errorf("login kept the attacker's cookie %q", got)
	}
}

// TestSessionCookieAttributes is T13.
func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		base, name string
		secure     bool
	}{
		{"http://localhost:8080", "session", false},
		{"https://app.example.com", "__Host-session", true},
	} {
		srv, _ := accountServer(t, func(c *Config) { c.BaseURL, _ = url.Parse(tt.base) }, nil, nil)
		b := newBrowserClient(t, srv.URL)
		resp, _ := b.post("/signup", url.Values{"email": {"c@example.com"}, "password": {alicePassword}})
		var c *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == tt.name {
				c = ck
			}
		}
		if c == nil {
			t.Fatalf("BASE_URL %s: no %s cookie in %v", tt.base, tt.name, resp.Header.Values("Set-Cookie"))
		}
		if c.Secure != tt.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("BASE_URL %s: cookie %+v", tt.base, c)
		}
		if len(c.Value) != 43 {
			t.Errorf("session token %q is not 256 bits base64url", c.Value)
		}
	}
}

// TestSessionTimeouts is T16 with short test values.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	const idle, lifetime = time.Second, 3 * time.Second
	srv, _ := accountServer(t, func(c *Config) { c.SessionIdleTimeout, c.SessionLifetime = idle, lifetime }, nil, nil)

	b := newBrowserClient(t, srv.URL)
	b.signup("idle@example.com", alicePassword)
	time.Sleep(idle + 300*time.Millisecond)
	if b.signedIn() {
		t.Errorf("session idle for %v still valid (idle timeout %v)", idle+300*time.Millisecond, idle)
	}

	b = newBrowserClient(t, srv.URL)
	b.login("idle@example.com", alicePassword)
	start := time.Now()
	for b.signedIn() {
		if time.Since(start) > lifetime+2*time.Second {
			t.Fatalf("an active session outlived its %v lifetime", lifetime)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if d := time.Since(start); d < lifetime-500*time.Millisecond || d > lifetime+time.Second {
		t.Errorf("active session ended after %v, want about the %v lifetime", d, lifetime)
	}
}

// TestSignupPasswordPolicy is T20 through the form: 8 to 1024 bytes, any
// characters, never trimmed, common passwords refused, errors as 422 with
// the input kept and the password not echoed.
func TestSignupPasswordPolicy(t *testing.T) {
	t.Parallel()
	srv, _ := accountServer(t, nil, nil, nil)
	for i, tt := range []struct {
		password string
		want     int
	}{
		{"seven77", 422},
		{"eight888", 303},
		{strings.Repeat("🔑", 256), 303}, // 1024 bytes
		{strings.Repeat("🔑", 256) + "x", 422},
		{"password123", 422},
		{" Pass word ", 303},
	} {
		b := newBrowserClient(t, srv.URL)
		email := fmt.Sprintf("user%d@example.com", i)
		resp, body := b.post("/signup", url.Values{"email": {email}, "password": {tt.password}})
		if resp.StatusCode != tt.want {
			t.Errorf("signup with a %d-byte password = %d, want %d", len(tt.password), resp.StatusCode, tt.want)
			continue
		}
		if tt.want == 422 {
			doc := mustDoc(t, body)
			if v, _ := doc.Find(`input[name="email"]`).Attr("value"); v != email {
				t.Errorf("422 form lost the email: %q", v)
			}
			if _, has := doc.Find(`input[name="password"]`).Attr("value"); has || strings.Contains(body, tt.password) {
				t.Error("422 form echoes the password")
			}
			continue
		}
		b.post("/logout", url.Values{})
		if resp := b.login(email, tt.password); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("login with the exact %q password = %d (not trimmed?)", tt.password, resp.StatusCode)
		}
	}
}
