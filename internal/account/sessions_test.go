package account_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

// TestSessionFixation is T14: signing in always issues a new token, and the
// session that existed before is gone.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	b := s.browser(t)
	b.signup("bob@example.com", goodPassword)
	b.logout()
	b.signup("alice@example.com", goodPassword)
	s0 := b.session()

	// An attacker-chosen cookie is never adopted either.
	b.login("bob@example.com", goodPassword)
	s1 := b.session()
	if s1 == "" || s1 == s0 {
		t.Fatalf("session token not renewed on login: before %q, after %q", s0, s1)
	}
	if s.sessionStored(t, s0) {
		t.Error("the pre-login session still exists in the store")
	}
	old := s.browser(t)
	old.SetCookie(sessionCookie, s0)
	if old.signedIn() {
		t.Error("the pre-login token still signs in")
	}

	fixed := s.browser(t)
	fixed.SetCookie(sessionCookie, "attacker-chosen-token")
	fixed.login("bob@example.com", goodPassword)
	if got := fixed.session(); got == "attacker-chosen-token" || got == "" {
		t.Errorf("login kept the attacker's cookie %q", got)
	}
}

// TestSessionCookieAttributes is T13: an http site gets a plain "session"
// cookie, an https site the __Host- one with Secure. (Which of the two
// BASE_URL selects is internal/app's TestSessionCookieFollowsBaseURL.)
func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		name := session.CookieName(secure)
		s := newServer(t, serverOptions{http: httpxtest.Options{Session: session.Options{Secure: secure}}})
		resp, _ := s.browser(t).Post(account.SignupURL(), url.Values{"email": {"c@example.com"}, "password": {goodPassword}})
		var c *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == name {
				c = ck
			}
		}
		if c == nil {
			t.Fatalf("secure=%v: no %s cookie in %v", secure, name, resp.Header.Values("Set-Cookie"))
		}
		if c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("secure=%v: cookie %+v", secure, c)
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
	s := newServer(t, serverOptions{http: httpxtest.Options{Session: session.Options{IdleTimeout: idle, Lifetime: lifetime}}})

	b := s.browser(t)
	b.signup("idle@example.com", goodPassword)
	time.Sleep(idle + 300*time.Millisecond)
	if b.signedIn() {
		t.Errorf("session idle for %v still valid (idle timeout %v)", idle+300*time.Millisecond, idle)
	}

	b = s.browser(t)
	b.login("idle@example.com", goodPassword)
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

// TestRevokeElsewhere is T17: a password change in one session ends the
// others; disabling the account ends them all.
func TestRevokeElsewhere(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	a := s.browser(t)
	a.signup("alice@example.com", goodPassword)
	b := s.browser(t)
	b.login("alice@example.com", goodPassword)
	if !b.signedIn() {
		t.Fatal("second session not signed in")
	}

	_, body := a.Get(account.AccountURL())
	if n := httpxtest.Doc(t, body).Find(`[data-testid="revoke-session"]`).Length(); n != 1 {
		t.Errorf("account page lists %d other sessions, want 1", n)
	}
	before := a.session()
	resp, _ := a.Post(account.ChangePasswordURL(), url.Values{"current_password": {"not it"}, "new_password": {changedPassword}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password = %d, want 422", resp.StatusCode)
	}
	resp, _ = a.Post(account.ChangePasswordURL(), url.Values{"current_password": {goodPassword}, "new_password": {changedPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password = %d", resp.StatusCode)
	}
	if b.signedIn() {
		t.Error("the other session survived the password change")
	}
	if !a.signedIn() || a.session() == before {
		t.Error("the changing session should continue under a new token")
	}

	admin := s.browser(t)
	s.mustCreateVerified(t, "admin@example.com", account.RoleAdmin)
	admin.login("admin@example.com", goodPassword)
	resp, _ = admin.Post(account.DisableUserURL(s.userID(t, "alice@example.com")), url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable = %d", resp.StatusCode)
	}
	if a.signedIn() {
		t.Error("a disabled user's session survived")
	}
	if resp := a.login("alice@example.com", changedPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user login = %d, want 401", resp.StatusCode)
	}
}
