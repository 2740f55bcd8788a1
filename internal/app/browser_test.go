package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// newBrowser starts a headless Chromium for the test and returns a tab
// context. On failure the test's last page is saved as a screenshot.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromePath(t)),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			saveScreenshot(t, ctx, "failure")
		}
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // start the browser and the tab
		t.Fatalf("start Chromium: %v", err)
	}
	// Record CSP violations from the first script on every page.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener("securitypolicyviolation",
			e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// saveScreenshot writes a PNG of the current page into SCREENSHOTS_DIR, or
// the test's temp dir, and logs where.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" || name == "failure" {
		dir = filepath.Join(os.TempDir(), "groundwork-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot dir: %v", err)
		return
	}
	path := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+".png")
	if name != "failure" {
		path = filepath.Join(dir, name+".png")
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot saved: %s", path)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// TestBrowserHomePage loads the home page in Chromium: no CSP violation,
// htmx and the app module running with the hardened config, the theme
// toggle remembered, no serious accessibility problem (axe-core), in both
// themes.
func TestBrowserHomePage(t *testing.T) {
	a := startApp(t, testEnv(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="db-version"]`))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `typeof htmx`); got != "object" {
		t.Fatalf("typeof htmx = %q: htmx did not load under the CSP (violations: %v)", got, eval[[]string](t, ctx, `window.__csp`))
	}
	cfg := eval[map[string]any](t, ctx, `({
		selfRequestsOnly: htmx.config.selfRequestsOnly, allowEval: htmx.config.allowEval,
		allowScriptTags: htmx.config.allowScriptTags, includeIndicatorStyles: htmx.config.includeIndicatorStyles,
		historyCacheSize: htmx.config.historyCacheSize})`)
	want := map[string]any{"selfRequestsOnly": true, "allowEval": false, "allowScriptTags": false, "includeIndicatorStyles": false, "historyCacheSize": float64(0)}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("htmx.config.%s = %v, want %v", k, cfg[k], v)
		}
	}

	// The theme toggle flips the theme and remembers it across a reload.
	before := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-theme-toggle]`))); err != nil {
		t.Fatal(err)
	}
	theme := eval[string](t, ctx, `document.documentElement.dataset.theme || ""`)
	after := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
	if theme == "" || before == after {
		t.Errorf("theme toggle: data-theme %q, background %s → %s; want a new theme applied", theme, before, after)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.documentElement.dataset.theme || ""`); got != theme {
		t.Errorf("after reload data-theme = %q, want %q remembered", got, theme)
	}

	for _, path := range []string{"/", "/no-such-page"} {
		for _, theme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx,
				chromedp.Evaluate[chromedp.Void](`localStorage.setItem("theme", "`+theme+`")`),
				chromedp.Navigate(a.URL+path), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
				t.Fatal(err)
			}
			assertAccessible(t, ctx, path+" ("+theme+")")
			if name := strings.Trim(strings.ReplaceAll(path, "/", "-"), "-"); os.Getenv("SCREENSHOTS_DIR") != "" {
				if name == "" {
					name = "home"
				}
				saveScreenshot(t, ctx, name+"-"+theme)
			}
		}
	}
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}

// assertAccessible runs axe-core (from web/node_modules) on the page and
// fails on serious or critical violations.
func assertAccessible(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	axe, err := os.ReadFile("../../web/node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core not installed (make assets): %v", err)
	}
	// DevTools evaluation is not subject to the page's CSP.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		 .map(v => v.id + ": " + v.help + " (" + v.nodes.map(n => n.target.join(" ")).join(", ") + ")"))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	var violations []string
	if err := json.Unmarshal(raw, &violations); err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("%s: accessibility: %s", page, v)
	}
}

// TestBrowserLiveReload is the development live reload end to end: an open
// page reloads itself when the server restarts (as the watcher does after
// an edit of a .go, .templ or .css file).
func TestBrowserLiveReload(t *testing.T) {
	addr := freeAddr(t)
	env := testEnv(t)
	env["APP_ENV"] = "development"
	env["HTTP_ADDR"] = addr

	first := startApp(t, env)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(first.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	// Let the EventSource connect and receive the first boot ID.
	time.Sleep(300 * time.Millisecond)
	eval[chromedp.Void](t, ctx, `window.__marker = "before restart"`)

	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	startApp(t, env) // same address, new process state, new boot ID

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.__marker)`)); err == nil && v == "undefined" {
			return // the page was reloaded
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the page did not reload after the server restarted")
}

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

// TestBrowserTasks drives the reference feature in Chromium: create a task,
// see the 422 in place for an empty title, edit it, change its status and
// delete it, all through htmx, with no CSP violation.
func TestBrowserTasks(t *testing.T) {
	a := startApp(t, testEnv(t))
	ctx := newBrowser(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	step("sign up",
		chromedp.Navigate(a.URL+"/signup"),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="email"]`), "tasks@example.com"),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="password"]`), "a long enough passphrase"),
		chromedp.Click(css(`[data-testid="signup-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="password-form"]`)),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(`[data-testid="task-form"]`)),
	)
	eval[chromedp.Void](t, ctx, `window.__marker = "no full reload"`)

	// An empty title: the form comes back with 422, in place.
	step("submit an empty title",
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-form"] [data-testid="field-error"]`)),
	)
	step("create a task",
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
	step("mark done",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="done"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)

	// Edit on the task's own page.
	step("edit",
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
	step("delete",
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
