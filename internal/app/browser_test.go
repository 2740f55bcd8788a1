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

// stepTimeout bounds one browserStep: generous, since a busy 2-core machine
// can take seconds over a page that takes milliseconds when idle.
const stepTimeout = 20 * time.Second

// browserStep runs actions in the browser tab ctx, within stepTimeout, and
// fails the test naming the step what if one of them fails (newBrowser then
// saves a screenshot of the page). It logs how long the step took.
func browserStep(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond))
}

// signUpSteps signs a new account up with email and alicePassword through
// the sign-up form on baseURL, and waits for the account page it leads to.
func signUpSteps(baseURL, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(baseURL+"/signup"),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="email"]`), email),
		chromedp.SendKeys(css(`[data-testid="signup-form"] input[name="password"]`), alicePassword),
		chromedp.Click(css(`[data-testid="signup-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="password-form"]`)),
	)
}

// signInSteps signs email (with alicePassword) in through the sign-in form
// on baseURL and waits for the page it leads to.
func signInSteps(baseURL, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(baseURL+"/login"),
		submitSignIn(email),
		chromedp.WaitNotPresent(css(`[data-testid="login-form"]`)),
	)
}

// submitSignIn fills in and sends the sign-in form on the current page.
func submitSignIn(email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(css(`[data-testid="login-form"] input[name="email"]`), email),
		chromedp.SendKeys(css(`[data-testid="login-form"] input[name="password"]`), alicePassword),
		chromedp.Click(css(`[data-testid="login-form"] button[type="submit"]`)),
	)
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

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
