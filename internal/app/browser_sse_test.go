package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLiveTasks opens the task list in two browsers signed in as
// one user: a task created in one appears in the other without a reload,
// with a toast; the page that made it shows it once; a status change made
// in the other comes back live; both say "Live"; no CSP violation.
func TestBrowserLiveTasks(t *testing.T) {
	a := startApp(t, testEnv(t))
	one := newBrowser(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	step := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		start := time.Now()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%s: %v", what, time.Since(start))
	}
	const live = `[data-testid="live-status"][data-state="live"]`
	step(one, "sign up and open the list",
		chromedp.Navigate(a.URL+"/signup"),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="email"]`), "live@example.com"),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="password"]`), "a long enough passphrase"),
		chromedp.Click(css(`[data-testid="signup-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="password-form"]`)),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(live)),
	)
	eval[chromedp.Void](t, one, `window.__marker = "no full reload"`)

	two := newBrowser(t) // a second browser, the same user signed in
	step(two, "sign in and add a task in the second browser",
		chromedp.Navigate(a.URL+"/login"),
		chromedp.SendKeys(css(`[data-testid="login-form"] input[name="email"]`), "live@example.com"),
		chromedp.SendKeys(css(`[data-testid="login-form"] input[name="password"]`), "a long enough passphrase"),
		chromedp.Click(css(`[data-testid="login-form"] button[type="submit"]`)),
		chromedp.WaitNotPresent(css(`[data-testid="login-form"]`)),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(live)),
		chromedp.SendKeys(css(`[data-testid="task-form"] input[name="title"]`), "Made in tab two"),
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
	)
	step(one, "the row appears in the first browser",
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
		chromedp.WaitVisible(css(`#toasts [data-testid="toast"]`)),
	)
	if got := eval[string](t, one, `String(window.__marker)`); got != "no full reload" {
		t.Error("the first browser reloaded instead of updating in place")
	}
	if msg := eval[string](t, one, `document.querySelector('#toasts').textContent`); !strings.Contains(msg, "elsewhere") {
		t.Errorf("first browser's toast = %q, want a change made elsewhere", msg)
	}
	time.Sleep(500 * time.Millisecond) // the second tab's own event arrives too
	if n := eval[int](t, two, `document.querySelectorAll('[data-testid="task-row"]').length`); n != 1 {
		t.Errorf("the page that created the task shows %d rows, want 1", n)
	}

	step(one, "mark done in the first browser",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="done"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)
	step(two, "the status arrives in the second browser",
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)
	for _, ctx := range []context.Context{one, two} {
		if v := eval[[]string](t, ctx, `window.__csp || []`); len(v) > 0 {
			t.Errorf("CSP violations: %v", v)
		}
	}
}
