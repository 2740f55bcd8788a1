package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// accountServer runs the whole router (newTestStack) on a test server.
// change edits the test configuration; logs may be nil; hasher nil is the
// fast test hasher.
func accountServer(t *testing.T, change func(*Config), logs io.Writer, hasher *password.Hasher) (*httptest.Server, *testStack) {
	t.Helper()
	cfg := testConfig(t)
	cfg.AuthRateLimit = 10000 // the per-IP limiter has its own test (internal/account)
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

// The rest is what the tasks tests here (tasks_*_test.go) sign in with;
// the account feature's own tests are in internal/account. Delete it with
// the last of them.

const alicePassword = "correct horse battery staple"

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

func (b *browser) signup(email, pw string) {
	b.t.Helper()
	resp, body := b.post(account.SignupURL(), url.Values{"email": {email}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != account.AccountURL() {
		b.t.Fatalf("signup %s = %d %s:\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func (b *browser) login(email, pw string) *http.Response {
	b.t.Helper()
	resp, _ := b.post(account.LoginURL(), url.Values{"email": {email}, "password": {pw}})
	return resp
}

func mustCreateUser(t *testing.T, st *testStack, email string, role account.Role) {
	t.Helper()
	if _, err := st.f.accounts.CreateUser(context.Background(), email, alicePassword, role, true); err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
}
