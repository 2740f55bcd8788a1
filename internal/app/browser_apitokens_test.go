package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAPITokens creates a token on /account/tokens in Chromium: the
// secret is shown once, the token is listed, the page has no CSP
// violation or serious accessibility problem, and revoking it empties the
// list.
func TestBrowserAPITokens(t *testing.T) {
	a := startApp(t, testEnv(t))
	ctx := newBrowser(t)
	browserStep(t, ctx, "sign up",
		signUpSteps(a.URL, "tokens@example.com"),
		chromedp.Click(css(`[data-testid="api-tokens-link"]`)),
		chromedp.WaitVisible(css(`[data-testid="token-form"]`)),
	)
	browserStep(t, ctx, "create a token",
		chromedp.SendKeys(css(`[data-testid="token-form"] input[name="name"]`), "backup script"),
		chromedp.SetValue(css(`[data-testid="token-form"] select[name="scope"]`), "read-write"),
		chromedp.Click(css(`[data-testid="token-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="token-secret"]`)),
	)
	secret := eval[string](t, ctx, `document.querySelector('[data-testid="token-secret"]').textContent`)
	if !tokenPattern.MatchString(strings.TrimSpace(secret)) {
		t.Errorf("shown token %q does not match %s", secret, tokenPattern)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid="token"] code').textContent`); got != "read-write" {
		t.Errorf("listed scope = %q, want read-write", got)
	}
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
	assertAccessible(t, ctx, "/account/tokens")
	saveScreenshot(t, ctx, "api-tokens")
	browserStep(t, ctx, "revoke it",
		chromedp.Click(css(`[data-testid="revoke-token"]`)),
		chromedp.WaitVisible(css(`[data-testid="no-tokens"]`)),
	)
}
