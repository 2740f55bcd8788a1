package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLiveTasks opens the task list in two browsers signed in as
// one user: a task created in one appears in the other without a reload,
// with a toast; the page that made it shows it once; a status change made
// in the other comes back live; both say "Live"; the task's detail page
// follows a change made in the other browser; no CSP violation.
func TestBrowserLiveTasks(t *testing.T) {
	a := startApp(t, testEnv(t))
	one := newBrowser(t)
	const live = `[data-testid="live-status"][data-state="live"]`
	browserStep(t, one, "sign up and open the list",
		signUpSteps(a.URL, "live@example.com"),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(live)),
	)
	eval[chromedp.Void](t, one, `window.__marker = "no full reload"`)

	two := newBrowser(t) // a second browser, the same user signed in
	browserStep(t, two, "sign in and add a task in the second browser",
		signInSteps(a.URL, "live@example.com"),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(live)),
		chromedp.SendKeys(css(`[data-testid="task-form"] input[name="title"]`), "Made in tab two"),
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
	)
	browserStep(t, one, "the row appears in the first browser",
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

	browserStep(t, one, "mark done in the first browser",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="done"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)
	browserStep(t, two, "the status arrives in the second browser",
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="done"]`)),
	)

	// The detail page, open in the first browser, follows a change made in
	// the second.
	browserStep(t, one, "open the task in the first browser",
		chromedp.Click(css(`[data-testid="task-row"] .task-row__title`)),
		chromedp.WaitVisible(css(`[data-testid="task-detail"]`)),
		chromedp.WaitVisible(css(live)),
	)
	const meta = `document.querySelector('[data-testid="task-detail"] .task-row__meta').textContent`
	if got := eval[string](t, one, meta); !strings.Contains(got, "Done") || strings.Contains(got, "To do") {
		t.Fatalf("detail page status = %q, want Done", got)
	}
	browserStep(t, two, "back to 'to do' in the second browser",
		chromedp.Click(css(`[data-testid="task-row"] [data-testid="task-status"] button[value="todo"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"][data-status="todo"]`)),
	)
	browserStep(t, one, "the detail page shows it",
		chromedp.Poll[chromedp.Void](meta+`.includes("To do")`),
	)
	for _, ctx := range []context.Context{one, two} {
		if v := eval[[]string](t, ctx, `window.__csp || []`); len(v) > 0 {
			t.Errorf("CSP violations: %v", v)
		}
	}
}

// TestBrowserLiveListKeepsLoadedRows loads a second page with "Load more",
// then changes tasks from another session of the same user: a status
// change on a loaded row shows in that row, a deleted row goes, a created
// task comes at the top, and every row loaded with "Load more" stays,
// with no reload.
func TestBrowserLiveListKeepsLoadedRows(t *testing.T) {
	a := startApp(t, testEnv(t))
	other := signUpClient(t, a.URL, "more@example.com") // the other session
	for i := 1; i <= 25; i++ {                          // a page is 20
		resp, err := other.PostForm(a.URL+"/tasks", url.Values{"title": {fmt.Sprintf("Task %02d", i)}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create task %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
	}
	ctx := newBrowser(t)
	rows := func() int { return eval[int](t, ctx, `document.querySelectorAll('[data-testid="task-row"]').length`) }
	idOf := func(title string) string {
		return eval[string](t, ctx, `[...document.querySelectorAll('[data-testid="task-row"]')].find((r) => r.querySelector('.task-row__title').textContent.trim() === `+strconv.Quote(title)+`).dataset.taskId`)
	}
	post := func(path string, form url.Values) {
		t.Helper()
		resp, err := other.PostForm(a.URL+path, form)
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}

	browserStep(t, ctx, "sign in, open the list, load more",
		signInSteps(a.URL, "more@example.com"),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(`[data-testid="live-status"][data-state="live"]`)),
		chromedp.Click(css(`[data-testid="load-more"]`)),
		chromedp.WaitVisible(css(`#task-list [data-testid="task-row"]:nth-child(25)`)),
	)
	if n := rows(); n != 25 {
		t.Fatalf("after Load more: %d rows, want 25", n)
	}
	eval[chromedp.Void](t, ctx, `window.__marker = "no full reload"`)

	done, gone := idOf("Task 02"), idOf("Task 03") // both on the second page
	post("/tasks/"+done+"/status", url.Values{"status": {"done"}})
	browserStep(t, ctx, "a loaded row's status changes in place",
		chromedp.WaitVisible(css(`#task-`+done+`[data-status="done"]`)),
	)
	post("/tasks/"+gone+"/delete", nil)
	browserStep(t, ctx, "a deleted loaded row goes", chromedp.WaitNotPresent(css(`#task-`+gone)))
	post("/tasks", url.Values{"title": {"Task 26"}})
	browserStep(t, ctx, "a new task comes at the top",
		chromedp.WaitVisible(css(`#task-list [data-testid="task-row"]:first-child[data-status]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('#task-list [data-testid="task-row"] .task-row__title').textContent.trim() === "Task 26"`),
	)
	if n := rows(); n != 25 {
		t.Errorf("after the changes: %d rows, want 25 (25 loaded - 1 deleted + 1 created)", n)
	}
	for _, title := range []string{"Task 01", "Task 04", "Task 05", "Task 25"} {
		if eval[int](t, ctx, `[...document.querySelectorAll('.task-row__title')].filter((e) => e.textContent.trim() === `+strconv.Quote(title)+`).length`) != 1 {
			t.Errorf("%q is not on the page once after the live changes", title)
		}
	}
	if got := eval[string](t, ctx, `String(window.__marker)`); got != "no full reload" {
		t.Error("the page reloaded instead of updating in place")
	}
	if v := eval[[]string](t, ctx, `window.__csp || []`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}

// TestBrowserLiveFilteredList: a task changed elsewhere so that it now
// matches the open, filtered list (status=done) appears in it, live.
func TestBrowserLiveFilteredList(t *testing.T) {
	a := startApp(t, testEnv(t))
	other := signUpClient(t, a.URL, "filtered@example.com") // the same user, elsewhere
	resp, err := other.Post(a.URL+"/api/v1/tasks", "application/json", strings.NewReader(`{"title":"Not done yet"}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create a task: %v %v", resp, err)
	}
	var task struct{ ID int64 }
	err = json.NewDecoder(resp.Body).Decode(&task)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(task.ID, 10)
	ctx := newBrowser(t)
	browserStep(t, ctx, "sign in and open the done tasks",
		signInSteps(a.URL, "filtered@example.com"),
		chromedp.Navigate(a.URL+"/tasks?status=done"),
		chromedp.WaitVisible(css(`[data-testid="live-status"][data-state="live"]`)),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="task-row"]').length`); n != 0 {
		t.Fatalf("done tasks before the change: %d rows, want 0", n)
	}
	resp, err = other.PostForm(a.URL+"/tasks/"+id+"/status", url.Values{"status": {"done"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark it done: %v %v", resp, err)
	}
	resp.Body.Close()
	browserStep(t, ctx, "it appears in the filtered list",
		chromedp.WaitVisible(css(`#task-`+id+`[data-status="done"]`)),
	)
}

// TestBrowserLiveReconnects stops the instance a task list is streaming
// from: the page says it is reconnecting. While the instance is away its
// address answers 502, as a reverse proxy does (EventSource gives up on
// that, and the page must open a new stream), then nothing listens. A task
// created meanwhile through another instance arrives, without a reload,
// once the first instance is back on its address: the page resumed from
// the last event it saw.
func TestBrowserLiveReconnects(t *testing.T) {
	env := testEnv(t)
	env["HTTP_ADDR"] = freeAddr(t)
	a := startApp(t, env)
	other := signUpClient(t, a.URL, "reconnect@example.com") // the same user, elsewhere
	ctx := newBrowser(t)
	browserStep(t, ctx, "sign in and open the list",
		signInSteps(a.URL, "reconnect@example.com"),
		chromedp.Navigate(a.URL+"/tasks"),
		chromedp.WaitVisible(css(`[data-testid="live-status"][data-state="live"]`)),
	)
	eval[chromedp.Void](t, ctx, `window.__marker = "no full reload"`)

	if err := a.Stop(); err != nil {
		t.Fatalf("stop the first instance: %v", err)
	}
	browserStep(t, ctx, "the page says it is reconnecting",
		chromedp.WaitVisible(css(`[data-testid="live-status"][data-state="reconnecting"]`)),
	)
	badGateway(t, env["HTTP_ADDR"], "/tasks/events", 2)
	elsewhere := map[string]string{}
	for k, v := range env {
		elsewhere[k] = v
	}
	elsewhere["HTTP_ADDR"] = "127.0.0.1:0"
	b := startApp(t, elsewhere)
	resp, err := other.PostForm(b.URL+"/tasks", url.Values{"title": {"Made while the page was away"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create a task on the other instance: %v %v", resp, err)
	}
	resp.Body.Close()

	startApp(t, env) // the first instance again, on the same address
	browserStep(t, ctx, "the page reconnects and gets the task it missed",
		chromedp.WaitVisible(css(`[data-testid="live-status"][data-state="live"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
	)
	if got := eval[string](t, ctx, `document.querySelector('.task-row__title').textContent.trim()`); got != "Made while the page was away" {
		t.Errorf("row title = %q, want the task made while the page was away", got)
	}
	if got := eval[string](t, ctx, `String(window.__marker)`); got != "no full reload" {
		t.Error("the page reloaded instead of resuming the stream")
	}
}

// badGateway answers 502 on addr, as a reverse proxy does while the app is
// away, until it has refused n requests for path; then it closes.
func badGateway(t *testing.T, addr, path string, n int) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	refused := make(chan struct{}, n)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			select {
			case refused <- struct{}{}:
			default:
			}
		}
		http.Error(w, "bad gateway", http.StatusBadGateway)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	for i := range n {
		select {
		case <-refused:
		case <-time.After(stepTimeout):
			t.Fatalf("the page asked for %s %d times in %v, want %d", path, i, stepTimeout, n)
		}
	}
}
