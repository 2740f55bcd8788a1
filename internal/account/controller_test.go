package account_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// TestSignupLoginLogout covers the main flow and T15: logout ends the
// session on the server, and the old cookie no longer works.
func TestSignupLoginLogout(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	b := s.browser(t)
	b.signup("Alice@Example.com", goodPassword)

	resp, body := b.Get(account.AccountURL())
	if resp.StatusCode != 200 || !strings.Contains(body, "alice@example.com") {
		t.Fatalf("GET /account after signup = %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("authenticated page Cache-Control = %q, want no-store (T7)", cc)
	}
	if httpxtest.Doc(t, body).Find(`[data-testid="toast"]`).Length() != 1 {
		t.Errorf("no welcome toast after signup")
	}
	old := b.session()

	resp = b.logout()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Clear-Site-Data") == "" {
		t.Errorf("logout = %d, Clear-Site-Data %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Max-Age=0") && !strings.Contains(sc, "Max-Age=-1") {
		t.Errorf("logout Set-Cookie = %q, want the cookie expired", sc)
	}
	if s.sessionStored(t, old) {
		t.Error("the session row survived logout")
	}
	replay := s.browser(t)
	replay.SetCookie(sessionCookie, old)
	resp, _ = replay.Get(account.AccountURL())
	if want := account.LoginURL() + "?next=%2Faccount"; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Errorf("replayed cookie after logout: GET /account = %d %s, want a redirect to %s", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	resp, _ = replay.Get(account.AccountURL(), "Accept", "application/json")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API-style request without a session = %d %s, want 401 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	resp = b.login("alice@example.com", goodPassword)
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

// TestLoginURLIsRequireUserTarget: the sign-in page the feature serves is
// where auth.RequireUser sends anonymous visitors, and it carries ?next=
// into its form.
func TestLoginURLIsRequireUserTarget(t *testing.T) {
	t.Parallel()
	if account.LoginURL() != auth.LoginPath {
		t.Fatalf("account.LoginURL() = %q, auth.LoginPath = %q", account.LoginURL(), auth.LoginPath)
	}
	s := newServer(t, serverOptions{})
	b := s.browser(t)
	resp, _ := b.Get(account.AccountURL())
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Path != account.LoginURL() {
		t.Fatalf("anonymous GET /account = %d %q, want a redirect to %s", resp.StatusCode, resp.Header.Get("Location"), account.LoginURL())
	}
	resp, body := b.Get(loc.RequestURI())
	form := httpxtest.Doc(t, body).Find(`form[data-testid="login-form"]`)
	if resp.StatusCode != http.StatusOK || form.AttrOr("action", "") != account.LoginURL() {
		t.Fatalf("GET %s = %d, login form action %q", loc, resp.StatusCode, form.AttrOr("action", ""))
	}
	if next := form.Find(`input[name="next"]`).AttrOr("value", ""); next != account.AccountURL() {
		t.Errorf("login form next = %q, want %q", next, account.AccountURL())
	}
}

// TestSignupPasswordPolicy is T20 through the form: 8 to 1024 bytes, any
// characters, never trimmed, common passwords refused, errors as 422 with
// the input kept and the password not echoed.
func TestSignupPasswordPolicy(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
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
		b := s.browser(t)
		email := fmt.Sprintf("user%d@example.com", i)
		resp, body := b.Post(account.SignupURL(), url.Values{"email": {email}, "password": {tt.password}})
		if resp.StatusCode != tt.want {
			t.Errorf("signup with a %d-byte password = %d, want %d", len(tt.password), resp.StatusCode, tt.want)
			continue
		}
		if tt.want == 422 {
			doc := httpxtest.Doc(t, body)
			if v, _ := doc.Find(`input[name="email"]`).Attr("value"); v != email {
				t.Errorf("422 form lost the email: %q", v)
			}
			if _, has := doc.Find(`input[name="password"]`).Attr("value"); has || strings.Contains(body, tt.password) {
				t.Error("422 form echoes the password")
			}
			continue
		}
		b.logout()
		if resp := b.login(email, tt.password); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("login with the exact %q password = %d (not trimmed?)", tt.password, resp.StatusCode)
		}
	}
}

// TestAdminAuthorization: anonymous → sign in, user → 403, admin → 200.
func TestAdminAuthorization(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	anon := s.browser(t)
	if resp, _ := anon.Get(account.AdminUsersURL()); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous /admin/users = %d, want 303 to sign in", resp.StatusCode)
	}
	user := s.browser(t)
	user.signup("user@example.com", goodPassword)
	if resp, _ := user.Get(account.AdminUsersURL()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin /admin/users = %d, want 403", resp.StatusCode)
	}
	if resp, _ := user.Post(account.DisableUserURL(1), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin disable = %d, want 403", resp.StatusCode)
	}
	admin := s.browser(t)
	s.mustCreateVerified(t, "admin@example.com", account.RoleAdmin)
	admin.login("admin@example.com", goodPassword)
	resp, body := admin.Get(account.AdminUsersURL())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "user@example.com") {
		t.Errorf("admin /admin/users = %d", resp.StatusCode)
	}
	if resp, _ := admin.Post(account.DisableUserURL(99999), url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("disable unknown user = %d, want 404", resp.StatusCode)
	}
}

// TestAdminSetRole: an admin makes a user an admin and back from the
// users page; a user's own role, another role and an unknown user are
// refused, and only admins may post.
func TestAdminSetRole(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	bob := s.mustCreateVerified(t, "bob@example.com", account.RoleUser)
	admin := s.mustCreateVerified(t, "admin@example.com", account.RoleAdmin)
	asBob := s.browser(t)
	asBob.login("bob@example.com", goodPassword)
	if resp, _ := asBob.Post(account.SetRoleURL(bob.ID), url.Values{"role": {"admin"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("non-admin role change = %d, want 403", resp.StatusCode)
	}
	asAdmin := s.browser(t)
	asAdmin.login("admin@example.com", goodPassword)
	_, body := asAdmin.Get(account.AdminUsersURL())
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	row := doc.Find(`[data-testid="user"][data-user-id="` + strconv.FormatInt(bob.ID, 10) + `"]`)
	if v, _ := row.Find(`[data-testid="role-form"] input[name="role"]`).Attr("value"); v != "admin" {
		t.Errorf("bob's row offers role %q, want admin", v)
	}
	if n := doc.Find(`[data-user-id="` + strconv.FormatInt(admin.ID, 10) + `"] [data-testid="role-form"]`).Length(); n != 0 {
		t.Error("the admin's own row offers a role change")
	}

	for _, tc := range []struct {
		name string
		id   int64
		role string
		want int
	}{
		{"own role", admin.ID, "user", http.StatusConflict},
		{"unknown role", bob.ID, "root", http.StatusUnprocessableEntity},
		{"unknown user", 99999, "admin", http.StatusNotFound},
	} {
		if resp, _ := asAdmin.Post(account.SetRoleURL(tc.id), url.Values{"role": {tc.role}}); resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}

	if resp, _ := asAdmin.Post(account.SetRoleURL(bob.ID), url.Values{"role": {"admin"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("make bob admin = %d, want 303", resp.StatusCode)
	}
	if resp, _ := asBob.Get(account.AdminUsersURL()); resp.StatusCode != http.StatusOK {
		t.Errorf("bob, now an admin, GET /admin/users = %d, want 200", resp.StatusCode)
	}
	if resp, _ := asAdmin.Post(account.SetRoleURL(bob.ID), url.Values{"role": {"user"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("make bob a user again = %d, want 303", resp.StatusCode)
	}
	if resp, _ := asBob.Get(account.AdminUsersURL()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("bob, a user again, GET /admin/users = %d, want 403", resp.StatusCode)
	}
}

// TestLoginRedirectsOnlyLocally: ?next= is honoured for local paths only.
func TestLoginRedirectsOnlyLocally(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.mustCreateVerified(t, "alice@example.com", account.RoleUser)
	for next, want := range map[string]string{
		"/account?tab=sessions": "/account?tab=sessions",
		"//evil.example/":       account.AccountURL(),
		"https://evil.example/": account.AccountURL(),
		"/\\evil.example":       account.AccountURL(),
		"":                      account.AccountURL(),
	} {
		b := s.browser(t)
		resp, _ := b.Post(account.LoginURL(), url.Values{"email": {"alice@example.com"}, "password": {goodPassword}, "next": {next}})
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, got, want)
		}
	}
}
