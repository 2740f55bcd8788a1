package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// TestLoginThrottling is T21: the sixth failure for an account from one
// address is 429 with Retry-After, a spoofed X-Forwarded-For does not reset
// the count, and the right password from another address still works.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	// No trusted proxies: X-Forwarded-For is the client's to spoof, and ignored.
	srv, _ := accountServer(t, nil, nil, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup("alice@example.com", alicePassword)
	b.post("/logout", url.Values{})
	for i := 1; i <= 5; i++ {
		if resp := b.login("alice@example.com", "wrong password "+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, resp.StatusCode)
		}
	}
	for i, spoof := range []string{"", "1.2.3.4", "5.6.7.8"} {
		resp, _ := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {alicePassword}}, "X-Forwarded-For", spoof)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("attempt %d (X-Forwarded-For %q) = %d, want 429", 6+i, spoof, resp.StatusCode)
		}
		if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra <= 0 {
			t.Errorf("429 Retry-After = %q, want > 0", resp.Header.Get("Retry-After"))
		}
	}

	// Behind a trusted proxy, another real client address gets in.
	srv2, st := accountServer(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1/32"} }, nil, nil)
	mustCreateUser(t, st, "bob@example.com", account.RoleUser)
	x := newBrowserClient(t, srv2.URL)
	x.header.Set("X-Forwarded-For", "203.0.113.10")
	for range 6 {
		x.login("bob@example.com", "wrong password")
	}
	if resp := x.login("bob@example.com", alicePassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("address X after 6 failures = %d, want 429", resp.StatusCode)
	}
	y := newBrowserClient(t, srv2.URL)
	y.header.Set("X-Forwarded-For", "203.0.113.20")
	if resp := y.login("bob@example.com", alicePassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("address Y with the right password = %d, want 303 (no lockout)", resp.StatusCode)
	}
}

// TestAuthRateLimitPerAddress checks the in-memory per-address limit on
// the sign-in routes.
func TestAuthRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	srv, _ := accountServer(t, func(c *Config) { c.AuthRateLimit = 3 }, nil, nil)
	b := newBrowserClient(t, srv.URL)
	var statuses []int
	for range 5 {
		resp, _ := b.get("/login")
		statuses = append(statuses, resp.StatusCode)
	}
	if !slices.Equal(statuses, []int{200, 200, 200, 429, 429}) {
		t.Errorf("GET /login ×5 with a limit of 3 = %v", statuses)
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("the limit leaks to other routes: GET / = %d", resp.StatusCode)
	}
}

// TestLoginEnumerationResistance is T22: an unknown email and a wrong
// password get the same answer in about the same time (median within 10%).
func TestLoginEnumerationResistance(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1/32"} }, nil,
		password.NewHasher(password.DefaultParams, 4))
	mustCreateUser(t, st, "known@example.com", account.RoleUser)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)

	var bodies [2]string
	// measure runs pairs of failed sign-ins (known email, unknown email) back
	// to back, alternating which goes first so neither always follows the
	// other's 19 MiB allocation, and returns the median of the pair ratios:
	// pairing cancels most of the machine's load drift.
	measure := func(round, pairs int) (ratio float64, mk, mu time.Duration) {
		var known, unknown []time.Duration
		for i := range pairs {
			emails := []string{"known@example.com", "nobody@example.com"}
			if i%2 == 1 {
				slices.Reverse(emails)
			}
			for _, email := range emails {
				j := 0
				if email != "known@example.com" {
					j = 1
				}
				b := newBrowserClient(t, srv.URL)
				b.header.Set("X-Forwarded-For", fmt.Sprintf("198.%d.%d.%d", 51+round, j, i)) // stay under the throttle
				start := time.Now()
				resp, body := b.post("/login", url.Values{"email": {email}, "password": {"wrong password"}})
				d := time.Since(start)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("login %s = %d, want 401", email, resp.StatusCode)
				}
				bodies[j] = strings.ReplaceAll(nonce.ReplaceAllString(body, ""), email, "")
				if j == 0 {
					known = append(known, d)
				} else {
					unknown = append(unknown, d)
				}
			}
		}
		ratios := make([]float64, pairs)
		for i := range ratios {
			ratios[i] = float64(unknown[i]) / float64(known[i])
		}
		slices.Sort(ratios)
		return ratios[pairs/2], median(known), median(unknown)
	}
	// A real leak (skipping the hash for unknown emails) shows in every
	// round as a ratio far below 1; a noisy machine can spoil one round, so
	// up to three rounds are run and one within ±10% passes.
	var results []string
	for round := range 3 {
		ratio, mk, mu := measure(round, 40)
		results = append(results, fmt.Sprintf("ratio %.3f (known %v, unknown %v)", ratio, mk, mu))
		if ratio >= 0.9 && ratio <= 1.1 {
			break
		}
		if round == 2 {
			t.Errorf("unknown/known sign-in time ratio outside ±10%% in every round: %v", results)
		}
	}
	t.Logf("timing rounds: %v", results)
	if bodies[0] != bodies[1] {
		t.Error("the responses for a known and an unknown email differ")
	}

	var hash string
	if err := st.pool.QueryRow(context.Background(), `SELECT password_hash FROM users WHERE email = 'known@example.com'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(hash) {
		t.Errorf("stored hash %q is not argon2id with the OWASP parameters (T19)", hash)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestRevokeElsewhere is T17: a password change in one session ends the
// others; disabling the account ends them all.
func TestRevokeElsewhere(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	a := newBrowserClient(t, srv.URL)
	a.signup("alice@example.com", alicePassword)
	b := newBrowserClient(t, srv.URL)
	b.login("alice@example.com", alicePassword)
	if !b.signedIn() {
		t.Fatal("second session not signed in")
	}

	_, body := a.get("/account")
	if n := mustDoc(t, body).Find(`[data-testid="revoke-session"]`).Length(); n != 1 {
		t.Errorf("account page lists %d other sessions, want 1", n)
	}
	before := a.cookie("session")
	resp, _ := a.post("/account/password", url.Values{"current_password": {"not it"}, "new_password": {newPassword}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password = %d, want 422", resp.StatusCode)
	}
	resp, _ = a.post("/account/password", url.Values{"current_password": {alicePassword}, "new_password": {newPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password = %d", resp.StatusCode)
	}
	if b.signedIn() {
		t.Error("the other session survived the password change")
	}
	if !a.signedIn() || a.cookie("session") == before {
		t.Error("the changing session should continue under a new token")
	}

	admin := newBrowserClient(t, srv.URL)
	mustCreateUser(t, st, "admin@example.com", account.RoleAdmin)
	admin.login("admin@example.com", alicePassword)
	var id int64
	st.pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = 'alice@example.com'`).Scan(&id)
	resp, _ = admin.post(fmt.Sprintf("/admin/users/%d/disable", id), url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable = %d", resp.StatusCode)
	}
	if a.signedIn() {
		t.Error("a disabled user's session survived")
	}
	if resp := a.login("alice@example.com", newPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user login = %d, want 401", resp.StatusCode)
	}
}

// TestAdminAuthorization: anonymous → sign in, user → 403, admin → 200.
func TestAdminAuthorization(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	anon := newBrowserClient(t, srv.URL)
	if resp, _ := anon.get("/admin/users"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous /admin/users = %d, want 303 to sign in", resp.StatusCode)
	}
	user := newBrowserClient(t, srv.URL)
	user.signup("user@example.com", alicePassword)
	if resp, _ := user.get("/admin/users"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin /admin/users = %d, want 403", resp.StatusCode)
	}
	if resp, _ := user.post("/admin/users/1/disable", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin disable = %d, want 403", resp.StatusCode)
	}
	admin := newBrowserClient(t, srv.URL)
	mustCreateUser(t, st, "admin@example.com", account.RoleAdmin)
	admin.login("admin@example.com", alicePassword)
	resp, body := admin.get("/admin/users")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "user@example.com") {
		t.Errorf("admin /admin/users = %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/users/99999/disable", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("disable unknown user = %d, want 404", resp.StatusCode)
	}
}

// TestLoginRedirectsOnlyLocally: ?next= is honoured for local paths only.
func TestLoginRedirectsOnlyLocally(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	mustCreateUser(t, st, "alice@example.com", account.RoleUser)
	for next, want := range map[string]string{
		"/account?tab=sessions": "/account?tab=sessions",
		"//evil.example/":       "/account",
		"https://evil.example/": "/account",
		"/\\evil.example":       "/account",
		"":                      "/account",
	} {
		b := newBrowserClient(t, srv.URL)
		resp, _ := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {alicePassword}, "next": {next}})
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, got, want)
		}
	}
}

// TestLoginCSRF is T11: a cross-site sign-in is refused and makes no session.
func TestLoginCSRF(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, nil, nil, nil)
	mustCreateUser(t, st, "alice@example.com", account.RoleUser)
	b := newBrowserClient(t, srv.URL)
	resp, _ := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {alicePassword}}, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden || b.cookie("session") != "" {
		t.Errorf("cross-site login = %d, cookie %q; want 403 and no session", resp.StatusCode, b.cookie("session"))
	}
	var n int
	st.pool.QueryRow(context.Background(), `SELECT count(*) FROM user_sessions`).Scan(&n)
	if n != 0 {
		t.Errorf("%d sessions after a refused cross-site login", n)
	}
}

// TestPasswordReset: the request answers the same for any address, the
// link uses BASE_URL, works once, and ends every session.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, func(c *Config) { c.BaseURL, _ = url.Parse("https://app.example.com") }, nil, nil)
	mustCreateUser(t, st, "alice@example.com", account.RoleUser)
	signedIn := newBrowserClient(t, srv.URL)
	signedIn.login("alice@example.com", alicePassword)

	b := newBrowserClient(t, srv.URL)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	_, known := b.post("/password/forgot", url.Values{"email": {"alice@example.com"}}, "Host", "evil.example")
	_, unknown := b.post("/password/forgot", url.Values{"email": {"nobody@example.com"}})
	if nonce.ReplaceAllString(known, "") != nonce.ReplaceAllString(unknown, "") {
		t.Error("forgot-password answers differ for known and unknown addresses")
	}
	st.f.accounts.Wait()
	msgs := st.mail.Messages()
	if len(msgs) != 1 || msgs[0].To != "alice@example.com" {
		t.Fatalf("reset emails = %+v, want one to alice", msgs)
	}
	link := regexp.MustCompile(`https://app\.example\.com/password/reset/[A-Z2-7]+`).FindString(msgs[0].Text)
	if link == "" || strings.Contains(msgs[0].Text+msgs[0].HTML, "evil.example") {
		t.Fatalf("reset email link not on BASE_URL:\n%s", msgs[0].Text)
	}
	path := strings.TrimPrefix(link, "https://app.example.com")

	if resp, _ := b.get(path); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET reset page = %d", resp.StatusCode)
	}
	if resp, _ := b.post(path, url.Values{"password": {"short"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("too-short new password = %d, want 422", resp.StatusCode)
	}
	if resp, _ := b.post(path, url.Values{"password": {newPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	if signedIn.signedIn() {
		t.Error("a session survived the password reset")
	}
	if resp, _ := b.post(path, url.Values{"password": {"yet another passphrase"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("reusing the reset link = %d, want 404", resp.StatusCode)
	}
	if resp := b.login("alice@example.com", newPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password = %d", resp.StatusCode)
	}
}

// TestEmailVerification: the signup email's link verifies the address once.
func TestEmailVerification(t *testing.T) {
	t.Parallel()
	srv, st := accountServer(t, func(c *Config) { c.RequireEmailVerification = true }, nil, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup("alice@example.com", alicePassword)
	b.post("/logout", url.Values{})
	if resp := b.login("alice@example.com", alicePassword); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unverified login with verification required = %d, want 403", resp.StatusCode)
	}
	st.f.accounts.Wait()
	msg, ok := st.mail.Last()
	path := regexp.MustCompile(`/verify-email/[A-Z2-7]+`).FindString(msg.Text)
	if !ok || path == "" {
		t.Fatalf("no verification link in %q", msg.Text)
	}
	if resp, _ := b.get(path); resp.StatusCode != http.StatusOK {
		t.Fatalf("verify = %d", resp.StatusCode)
	}
	if resp, _ := b.get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second use of the verification link = %d, want 404", resp.StatusCode)
	}
	if resp := b.login("alice@example.com", alicePassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("verified login = %d", resp.StatusCode)
	}
}

// TestAuthLogs is T18: each auth event is one structured line, and no
// password, token or cookie value ever reaches the log.
func TestAuthLogs(t *testing.T) {
	t.Parallel()
	var logs logtest.Buffer
	srv, st := accountServer(t, nil, &logs, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup("alice@example.com", alicePassword)
	cookie1 := b.cookie("session")
	b.post("/logout", url.Values{})
	b.login("alice@example.com", "a wrong password")
	b.login("evil\r\n{\"level\":\"admin\"}@example.com", "another wrong one")
	b.login("alice@example.com", alicePassword)
	b.post("/account/password", url.Values{"current_password": {alicePassword}, "new_password": {newPassword}})
	b.post("/password/forgot", url.Values{"email": {"alice@example.com"}})
	st.f.accounts.Wait()
	var secrets []string
	for _, m := range st.mail.Messages() {
		secrets = append(secrets, regexp.MustCompile(`/(?:verify-email|password/reset)/([A-Z2-7]+)`).FindStringSubmatch(m.Text)[1])
	}
	secrets = append(secrets, alicePassword, newPassword, "a wrong password", "another wrong one", cookie1, b.cookie("session"))

	out := logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("the log contains a secret: %q", s)
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
	if bytes.Count([]byte(out), []byte(`"event":"signup"`)) != 1 {
		t.Error("want exactly one signup event")
	}
}

func mustCreateUser(t *testing.T, st *testStack, email string, role account.Role) {
	t.Helper()
	if _, err := st.f.accounts.CreateUser(context.Background(), email, alicePassword, role, true); err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
}
