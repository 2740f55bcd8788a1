package app

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSessionExpiry is issue 17's "session expiry in the browser":
// with a short SESSION_IDLE_TIMEOUT, a page left open past it is sent, by
// its next htmx action, to the sign-in page with next = that page (not the
// action's URL, and nothing broken swapped into the list); signing in
// lands back on it, and the action was not carried out. The uploader's
// JSON requests are sent to sign in the same way.
func TestBrowserSessionExpiry(t *testing.T) {
	const idle = 5 * time.Second // long enough that signing up and creating a task never outlast it
	env := testEnv(t)
	env["SESSION_IDLE_TIMEOUT"] = idle.String()
	a := startApp(t, env)
	ctx := newBrowser(t)
	const email, page = "expiry@example.com", "/tasks?q=release"

	browserStep(t, ctx, "sign up, create a task and open a filtered list",
		signUpSteps(a.URL, email),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.SendKeys(css(`[data-testid="task-form"] input[name="title"]`), "Write the release notes"),
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
		chromedp.Navigate(a.URL+page),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="todo"]`)),
	)
	// The idle expiry is pushed back at most every idle/10: a second more
	// than idle is past it, whenever the last request touched the session.
	time.Sleep(idle + time.Second)

	browserStep(t, ctx, "change the task's status after the session expired",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="done"]`)),
		chromedp.WaitVisible(css(`[data-testid="login-form"]`)),
	)
	want := "/login?next=" + url.QueryEscape(page)
	if got := eval[string](t, ctx, `location.pathname + location.search`); got != want {
		t.Errorf("after the expired htmx action the browser is on %q, want %q", got, want)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="task-row"]').length`); n != 0 {
		t.Errorf("the sign-in page shows %d task rows: a fragment was swapped in", n)
	}

	browserStep(t, ctx, "sign in",
		submitSignIn(email),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
	)
	if got := eval[string](t, ctx, `location.pathname + location.search`); got != page {
		t.Errorf("after signing in the browser is on %q, want back on %q", got, page)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid="task-row"]').dataset.status`); got != "todo" {
		t.Errorf("task status = %q: the action sent without a session was carried out", got)
	}

	// The uploader talks JSON to the API (fetch, not htmx): its 401 after
	// the idle timeout also leads to signing in, back to the task's page.
	file := filepath.Join(t.TempDir(), "late.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	browserStep(t, ctx, "open the task's page",
		chromedp.Click(css(`[data-testid="task-row"] .task-row__title`)),
		chromedp.WaitVisible(css(`[data-testid="uploader"]`)),
	)
	taskPage := eval[string](t, ctx, `location.pathname`)
	time.Sleep(idle + time.Second)
	browserStep(t, ctx, "attach a file after the session expired",
		chromedp.SetUploadFiles(css(`[data-testid="attachment-file"]`), []string{file}),
		chromedp.WaitVisible(css(`[data-testid="login-form"]`)),
	)
	if got, want := eval[string](t, ctx, `location.pathname + location.search`), "/login?next="+url.QueryEscape(taskPage); got != want {
		t.Errorf("after the expired upload the browser is on %q, want %q", got, want)
	}
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}
