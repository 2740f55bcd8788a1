package app

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserTasks drives the reference feature in Chromium: create a task,
// see the 422 in place for an empty title, edit it, change its status and
// delete it, all through htmx, with no CSP violation.
func TestBrowserTasks(t *testing.T) {
	a := startApp(t, testEnv(t))
	ctx := newBrowser(t)

	browserStep(t, ctx, "sign up",
		signUpSteps(a.URL, "tasks@example.com"),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(`[data-testid="task-form"]`)),
	)
	eval[chromedp.Void](t, ctx, `window.__marker = "no full reload"`)

	// An empty title: the form comes back with 422, in place.
	browserStep(t, ctx, "submit an empty title",
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-form"] [data-testid="field-error"]`)),
	)
	browserStep(t, ctx, "create a task",
		chromedp.SendKeys(css(`[data-testid="task-form"] input[name="title"]`), "Write the release notes"),
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
	)
	if got := eval[string](t, ctx, `String(window.__marker)`); got != "no full reload" {
		t.Error("creating a task reloaded the page instead of swapping the row in")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="task-form"] [data-testid="field-error"]').length`); n != 0 {
		t.Errorf("the form still shows %d errors after a successful create", n)
	}

	if os.Getenv("SCREENSHOTS_DIR") != "" {
		saveScreenshot(t, ctx, "tasks")
	}

	// Change the status in the row (a fragment swap).
	browserStep(t, ctx, "mark done",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="done"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)

	// Edit on the task's own page.
	browserStep(t, ctx, "edit",
		chromedp.Click(css(`[data-testid="task-row"] .task-row__title`)),
		chromedp.WaitVisible(css(`[data-testid="task-edit"]`)),
		chromedp.Click(css(`[data-testid="task-edit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-edit-form"]`)),
		chromedp.SetValue(css(`[data-testid="task-edit-form"] input[name="title"]`), "Write and send the release notes"),
		chromedp.Click(css(`[data-testid="task-edit-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-detail"]`)),
	)
	if title := eval[string](t, ctx, `document.querySelector('[data-testid="task-detail"] h1').textContent`); !strings.Contains(title, "Write and send") {
		t.Errorf("after the edit the title is %q", title)
	}

	// Delete from the list, through the confirmation dialog.
	browserStep(t, ctx, "delete",
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-delete"]`)),
		chromedp.WaitVisible(css(`[data-testid="confirm-dialog"]`)),
		chromedp.Click(css(`[data-testid="confirm-dialog"] .btn--danger`)),
		chromedp.WaitNotPresent(css(`[data-testid="task-row"]`)),
	)
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
	assertAccessible(t, ctx, "/tasks")
}
