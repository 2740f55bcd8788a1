package app

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccountFlow signs up, signs out, signs in, changes the
// password and signs out in Chromium, checking for CSP violations on the way.
func TestBrowserAccountFlow(t *testing.T) {
	a := startApp(t, testEnv(t))
	ctx := newBrowser(t)
	fill := func(form string, fields map[string]string) {
		t.Helper()
		for name, value := range fields {
			sel := chromedp.CSS(form + ` input[name="` + name + `"]`)
			if err := chromedp.Do(ctx, chromedp.WaitVisible(sel), chromedp.SendKeys(sel, value)); err != nil {
				t.Fatalf("fill %s %s: %v", form, name, err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`))); err != nil {
			t.Fatalf("submit %s: %v", form, err)
		}
	}
	waitFor := func(sel string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
			t.Fatalf("wait for %s: %v", sel, err)
		}
	}
	const email, pw1, pw2 = "browser@example.com", "first passphrase here", "second passphrase here"

	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/signup")); err != nil {
		t.Fatal(err)
	}
	fill(`[data-testid="signup-form"]`, map[string]string{"email": email, "password": pw1})
	waitFor(`[data-testid="password-form"]`) // the account page

	// Sign out, then sign in again.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="logout"] button`))); err != nil {
		t.Fatal(err)
	}
	waitFor(`[data-testid="home"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	fill(`[data-testid="login-form"]`, map[string]string{"email": email, "password": pw1})
	waitFor(`[data-testid="password-form"]`)

	// Change the password; the toast confirms it.
	fill(`[data-testid="password-form"]`, map[string]string{"current_password": pw1, "new_password": pw2})
	waitFor(`[data-testid="toast"]`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="logout"] button`))); err != nil {
		t.Fatal(err)
	}
	waitFor(`[data-testid="home"]`)

	// The new password works; the old one does not.
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	fill(`[data-testid="login-form"]`, map[string]string{"email": email, "password": pw1})
	waitFor(`[data-testid="login-error"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	fill(`[data-testid="login-form"]`, map[string]string{"email": email, "password": pw2})
	waitFor(`[data-testid="password-form"]`)
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
	assertAccessible(t, ctx, "/account")
}
