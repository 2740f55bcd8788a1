package app

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// TestSessionCookieFollowsBaseURL is the app's half of T13: BASE_URL's
// scheme selects the session cookie (newFeatures hands cfg.SecureCookies
// to the session manager). The cookie's other attributes are checked by
// internal/account's TestSessionCookieAttributes, which cannot see
// BASE_URL.
func TestSessionCookieFollowsBaseURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		base, name string
		secure     bool
	}{
		{"http://localhost:8080", "session", false},
		{"https://app.example.com", "__Host-session", true},
	} {
		srv, _ := accountServer(t, func(c *Config) { c.BaseURL, _ = url.Parse(tt.base) }, nil, nil)
		resp, _ := httpxtest.NewClient(t, srv.URL).Post(account.SignupURL(), url.Values{"email": {"c@example.com"}, "password": {"a long enough passphrase"}})
		var names []string
		var c *http.Cookie
		for _, ck := range resp.Cookies() {
			names = append(names, ck.Name)
			if ck.Name == tt.name {
				c = ck
			}
		}
		if resp.StatusCode != http.StatusSeeOther || c == nil || len(names) != 1 {
			t.Fatalf("BASE_URL %s: sign-up = %d with cookies %v, want one %s cookie", tt.base, resp.StatusCode, names, tt.name)
		}
		if c.Secure != tt.secure {
			t.Errorf("BASE_URL %s: cookie Secure = %v, want %v", tt.base, c.Secure, tt.secure)
		}
	}
}
