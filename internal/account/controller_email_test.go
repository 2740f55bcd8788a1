package account_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
)

// TestPasswordReset: the request answers the same for any address, the
// link uses the configured base URL (not the request's Host), works once,
// and ends every session.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.mustCreateVerified(t, "alice@example.com", account.RoleUser)
	signedIn := s.browser(t)
	signedIn.login("alice@example.com", goodPassword)

	b := s.browser(t)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	_, known := b.Post(account.ForgotPasswordURL(), url.Values{"email": {"alice@example.com"}}, "Host", "evil.example")
	_, unknown := b.Post(account.ForgotPasswordURL(), url.Values{"email": {"nobody@example.com"}})
	if nonce.ReplaceAllString(known, "") != nonce.ReplaceAllString(unknown, "") {
		t.Error("forgot-password answers differ for known and unknown addresses")
	}
	s.mail.Wait()
	msgs := s.mail.Messages()
	if len(msgs) != 1 || msgs[0].To != "alice@example.com" {
		t.Fatalf("reset emails = %+v, want one to alice", msgs)
	}
	if strings.Contains(msgs[0].Text+msgs[0].HTML, "evil.example") {
		t.Fatalf("reset email link not on BASE_URL:\n%s", msgs[0].Text)
	}
	path := account.ResetPasswordURL(mailLink(t, msgs[0], resetPrefix))

	if resp, _ := b.Get(path); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET reset page = %d", resp.StatusCode)
	}
	if resp, _ := b.Post(path, url.Values{"password": {"short"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("too-short new password = %d, want 422", resp.StatusCode)
	}
	if resp, _ := b.Post(path, url.Values{"password": {changedPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	if signedIn.signedIn() {
		t.Error("a session survived the password reset")
	}
	if resp, _ := b.Post(path, url.Values{"password": {"yet another passphrase"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("reusing the reset link = %d, want 404", resp.StatusCode)
	}
	if resp := b.login("alice@example.com", changedPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password = %d", resp.StatusCode)
	}
}

// TestEmailVerification: the signup email's link verifies the address once.
func TestEmailVerification(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{account: account.Config{RequireVerifiedEmail: true}})
	b := s.browser(t)
	b.signup("alice@example.com", goodPassword)
	b.logout()
	if resp := b.login("alice@example.com", goodPassword); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unverified login with verification required = %d, want 403", resp.StatusCode)
	}
	s.mail.Wait()
	msg, ok := s.mail.Last()
	if !ok {
		t.Fatal("no verification email")
	}
	path := account.VerifyEmailURL(mailLink(t, msg, verifyPrefix))
	if resp, _ := b.Get(path); resp.StatusCode != http.StatusOK {
		t.Fatalf("verify = %d", resp.StatusCode)
	}
	if resp, _ := b.Get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second use of the verification link = %d, want 404", resp.StatusCode)
	}
	if resp := b.login("alice@example.com", goodPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("verified login = %d", resp.StatusCode)
	}
}

// TestAuthLogs is T18: each auth event is one structured line, and no
// password, token or cookie value ever reaches the log.
func TestAuthLogs(t *testing.T) {
	t.Parallel()
	var logs logtest.Buffer
	s := newServer(t, serverOptions{http: httpxtest.Options{Log: &logs}})
	b := s.browser(t)
	b.signup("alice@example.com", goodPassword)
	cookie1 := b.session()
	b.logout()
	b.login("alice@example.com", "a wrong password")
	b.login("evil\r\n{\"level\":\"admin\"}@example.com", "another wrong one")
	b.login("alice@example.com", goodPassword)
	b.Post(account.ChangePasswordURL(), url.Values{"current_password": {goodPassword}, "new_password": {changedPassword}})
	b.Post(account.ForgotPasswordURL(), url.Values{"email": {"alice@example.com"}})
	s.mail.Wait()
	var secrets []string
	for _, m := range s.mail.Messages() {
		secrets = append(secrets, regexp.MustCompile(`/(?:verify-email|password/reset)/([A-Z2-7]+)`).FindStringSubmatch(m.Text)[1])
	}
	secrets = append(secrets, goodPassword, changedPassword, "a wrong password", "another wrong one", cookie1, b.session())

	out := logs.String()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("the log contains a secret: %q", secret)
		}
	}
	var logins []string
	for _, l := range logs.WithMsg(t, "auth event") {
		if l["event"] == "login" {
			logins = append(logins, l["outcome"].(string))
		}
		if l["client_ip"] == "" || (l["user_id"] == nil && l["email_hash"] == nil) {
			t.Errorf("auth event without client IP or user: %v", l)
		}
	}
	if !slices.Equal(logins, []string{"failed", "failed", "ok"}) {
		t.Errorf("login events = %v, want one line per attempt", logins)
	}
	if strings.Contains(out, "\n{\"level\":\"admin\"}") {
		t.Error("a crafted email injected a log line")
	}
	if n := strings.Count(out, `"event":"signup"`); n != 1 {
		t.Errorf("%d signup events, want exactly one", n)
	}
}
