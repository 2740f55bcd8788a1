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

// TestSessionExpiredUnderHTMX: a session that ends (idle timeout) while a
// page is open sends the page's next htmx request to sign in with next =
// that page (HX-Current-URL), as HX-Redirect and nothing to swap; signing
// in lands back on it. A plain GET keeps its 303 with next = its own URL.
func TestSessionExpiredUnderHTMX(t *testing.T) {
	t.Parallel()
	const idle = time.Second
	s := newServer(t, serverOptions{http: httpxtest.Options{Session: session.Options{IdleTimeout: idle, Lifetime: time.Hour}}})
	b := s.browser(t)
	b.signup("idle@example.com", goodPassword)
	page := account.AccountURL() + "/tokens?sort=name"
	if resp, _ := b.Get(page); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", page, resp.StatusCode)
	}
	time.Sleep(idle + 300*time.Millisecond)

	resp, body := b.Post(account.AccountURL()+"/sessions/revoke-others", url.Values{},
		"HX-Request", "true", "HX-Current-URL", s.URL+page)
	want := account.LoginURL() + "?next=" + url.QueryEscape(page)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("HX-Redirect") != want || body != "" {
		t.Fatalf("htmx POST after the idle timeout = %d HX-Redirect %q body %q, want 200 HX-Redirect %q, nothing to swap",
			resp.StatusCode, resp.Header.Get("HX-Redirect"), body, want)
	}
	resp, _ = b.Get(account.AccountURL())
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != account.LoginURL()+"?next=%2Faccount" {
		t.Errorf("plain GET after the idle timeout = %d %q, want 303 to sign in with next=/account", resp.StatusCode, loc)
	}

	resp, body = b.Get(want)
	next := httpxtest.Doc(t, body).Find(`form[data-testid="login-form"] input[name="next"]`).AttrOr("value", "")
	if resp.StatusCode != http.StatusOK || next != page {
		t.Fatalf("GET %s = %d, form next %q, want %q", want, resp.StatusCode, next, page)
	}
	resp, _ = b.Post(account.LoginURL(), url.Values{"email": {"idle@example.com"}, "password": {goodPassword}, "next": {next}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Errorf("sign in = %d %q, want 303 back to %s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
}
