package account_test

import (
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
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// trustLoopback believes X-Forwarded-For from the test client, so a test
// can speak for many client addresses.
var trustLoopback = httpxtest.Options{TrustedProxies: []string{"127.0.0.1/32"}}

// TestLoginThrottling is T21: the sixth failure for an account from one
// address is 429 with Retry-After, a spoofed X-Forwarded-For does not reset
// the count, and the right password from another address still works.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	// No trusted proxies: X-Forwarded-For is the client's to spoof, and ignored.
	s := newServer(t, serverOptions{})
	b := s.browser(t)
	b.signup("alice@example.com", goodPassword)
	b.logout()
	for i := 1; i <= 5; i++ {
		if resp := b.login("alice@example.com", "wrong password "+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, resp.StatusCode)
		}
	}
	for i, spoof := range []string{"", "1.2.3.4", "5.6.7.8"} {
		resp, _ := b.Post(account.LoginURL(), url.Values{"email": {"alice@example.com"}, "password": {goodPassword}}, "X-Forwarded-For", spoof)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("attempt %d (X-Forwarded-For %q) = %d, want 429", 6+i, spoof, resp.StatusCode)
		}
		if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra <= 0 {
			t.Errorf("429 Retry-After = %q, want > 0", resp.Header.Get("Retry-After"))
		}
	}

	// Behind a trusted proxy, another real client address gets in.
	s2 := newServer(t, serverOptions{http: trustLoopback})
	s2.mustCreateVerified(t, "bob@example.com", account.RoleUser)
	x := s2.browser(t)
	x.Header.Set("X-Forwarded-For", "203.0.113.10")
	for range 6 {
		x.login("bob@example.com", "wrong password")
	}
	if resp := x.login("bob@example.com", goodPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("address X after 6 failures = %d, want 429", resp.StatusCode)
	}
	y := s2.browser(t)
	y.Header.Set("X-Forwarded-For", "203.0.113.20")
	if resp := y.login("bob@example.com", goodPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("address Y with the right password = %d, want 303 (no lockout)", resp.StatusCode)
	}
}

// TestAuthRateLimitPerAddress checks the in-memory per-address limit on
// the public routes, and that it stays on them.
func TestAuthRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{rateLimit: 3})
	b := s.browser(t)
	var statuses []int
	for range 5 {
		resp, _ := b.Get(account.LoginURL())
		statuses = append(statuses, resp.StatusCode)
	}
	if !slices.Equal(statuses, []int{200, 200, 200, 429, 429}) {
		t.Errorf("GET /login ×5 with a limit of 3 = %v", statuses)
	}
	// The account page is outside Routes: an anonymous visitor is sent to
	// sign in, not refused.
	if resp, _ := b.Get(account.AccountURL()); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the limit leaks to other routes: GET /account = %d, want 303", resp.StatusCode)
	}
}

// TestLoginCSRF is T11: a cross-site sign-in is refused and makes no session.
func TestLoginCSRF(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.mustCreateVerified(t, "alice@example.com", account.RoleUser)
	b := s.browser(t)
	resp, _ := b.Post(account.LoginURL(), url.Values{"email": {"alice@example.com"}, "password": {goodPassword}}, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden || b.session() != "" {
		t.Errorf("cross-site login = %d, cookie %q; want 403 and no session", resp.StatusCode, b.session())
	}
	if n := mustCount(t, s.pool, `SELECT count(*) FROM user_sessions`); n != 0 {
		t.Errorf("%d sessions after a refused cross-site login", n)
	}
}

// TestLoginEnumerationResistance is T22: an unknown email and a wrong
// password get the same answer in about the same time (median within 10%).
func TestLoginEnumerationResistance(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{http: trustLoopback, params: password.DefaultParams})
	var bodies [2]string
	// A real leak (skipping the hash for unknown emails) shows in every
	// round as a ratio far below 1; a noisy machine can spoil one round, so
	// up to three rounds are run and one within ±10% passes.
	var results []string
	for round := range 3 {
		// An account of its own per round keeps the known email under
		// the per-account limit (100 failures an hour) across rounds.
		known := fmt.Sprintf("known%d@example.com", round)
		s.mustCreateVerified(t, known, account.RoleUser)
		ratio, mk, mu := measureLogins(t, s, known, round, 40, &bodies)
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
	if err := s.pool.QueryRow(t.Context(), `SELECT password_hash FROM users WHERE email = 'known0@example.com'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(hash) {
		t.Errorf("stored hash %q is not argon2id with the OWASP parameters (T19)", hash)
	}
}

// measureLogins runs pairs of failed sign-ins (known email, unknown email)
// back to back, alternating which goes first so neither always follows the
// other's 19 MiB allocation, and returns the median of the pair ratios
// (unknown/known): pairing cancels most of the machine's load drift. It
// also returns each kind's median time, and leaves the last body of each
// kind (nonce and email removed) in bodies.
func measureLogins(t *testing.T, s *testServer, knownEmail string, round, pairs int, bodies *[2]string) (ratio float64, mk, mu time.Duration) {
	t.Helper()
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	var known, unknown []time.Duration
	for i := range pairs {
		// An unknown email of its own per round too: the third round would
		// otherwise pass the per-account limit (100 failures) and get 429.
		emails := []string{knownEmail, fmt.Sprintf("nobody%d@example.com", round)}
		if i%2 == 1 {
			slices.Reverse(emails)
		}
		for _, email := range emails {
			j := 0
			if email != knownEmail {
				j = 1
			}
			b := s.browser(t)
			b.Header.Set("X-Forwarded-For", fmt.Sprintf("198.%d.%d.%d", 51+round, j, i)) // stay under the throttle
			start := time.Now()
			resp, body := b.Post(account.LoginURL(), url.Values{"email": {email}, "password": {"wrong password"}})
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

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
