package app

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/groundwork-dev/groundwork/internal/account"
)

// Controller tests of the task pages (internal/tasks/controller.go),
// through the real router and session: each test signs up its users with a
// browser client and asserts the HTML with data-testid selectors.

// asHTMX is the header htmx sends with every request.
var asHTMX = []string{"HX-Request", "true"}

// newTaskUser starts the app and signs up email; it returns the server,
// the stack and the signed-in browser.
func newTaskUser(t *testing.T, email string) (*browser, *testStack) {
	t.Helper()
	srv, st := accountServer(t, nil, nil, nil)
	b := newBrowserClient(t, srv.URL)
	b.signup(email, alicePassword)
	return b, st
}

// signUpOn signs up another user on the server b talks to.
func signUpOn(t *testing.T, b *browser, email string) *browser {
	t.Helper()
	other := newBrowserClient(t, b.base)
	other.signup(email, alicePassword)
	return other
}

// mustAddTask creates a task through the htmx create form and returns its id.
func mustAddTask(t *testing.T, b *browser, form url.Values) int64 {
	t.Helper()
	resp, body := b.post("/tasks", form, asHTMX...)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /tasks %v = %d, want 200:\n%s", form, resp.StatusCode, body)
	}
	id, err := strconv.ParseInt(mustDoc(t, body).Find(`[data-testid="task-row"]`).AttrOr("data-task-id", ""), 10, 64)
	if err != nil {
		t.Fatalf("POST /tasks answered no row with data-task-id:\n%s", body)
	}
	return id
}

// rowTitles lists the titles of the task rows in doc, in order.
func rowTitles(doc *goquery.Document) []string {
	return doc.Find(`[data-testid="task-row"] .task-row__title`).Map(func(_ int, s *goquery.Selection) string {
		return strings.TrimSpace(s.Text())
	})
}

// isFragment reports whether body is a fragment rather than a whole page.
func isFragment(body string) bool {
	return !strings.Contains(strings.ToLower(body), "<html")
}

func variesByHTMX(resp *http.Response) bool {
	return slices.Contains(resp.Header.Values("Vary"), "HX-Request")
}

func day(offset int) string {
	return time.Now().AddDate(0, 0, offset).Format("2006-01-02")
}

func TestTasksIndex(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")
	milk := mustAddTask(t, b, url.Values{"title": {"Buy milk"}, "due_date": {day(-1)}})
	report := mustAddTask(t, b, url.Values{"title": {"Write report"}, "due_date": {day(0)}})
	taxes := mustAddTask(t, b, url.Values{"title": {"File taxes"}, "due_date": {day(7)}})
	b.post(fmt.Sprintf("/tasks/%d", report), url.Values{"title": {"Write report"}, "notes": {"Quarterly numbers"}, "status": {"doing"}, "due_date": {day(0)}, "version": {"1"}})
	b.post(fmt.Sprintf("/tasks/%d/status", taxes), url.Values{"status": {"done"}})
	newcomer := signUpOn(t, b, "new@example.com")

	tests := []struct {
		name       string
		client     *browser
		url        string
		wantStatus int
		wantTitles []string
		wantEmpty  string // the empty state's title, or "" for none
	}{
		{"everything, newest first", b, "/tasks", 200, []string{"File taxes", "Write report", "Buy milk"}, ""},
		{"filtered by status", b, "/tasks?status=doing", 200, []string{"Write report"}, ""},
		{"searched in notes", b, "/tasks?q=quarterly", 200, []string{"Write report"}, ""},
		{"searched in titles", b, "/tasks?q=milk", 200, []string{"Buy milk"}, ""},
		{"status and search together", b, "/tasks?status=done&q=milk", 200, nil, "No matching tasks"},
		{"no match", b, "/tasks?q=zebra", 200, nil, "No matching tasks"},
		{"no tasks yet", newcomer, "/tasks", 200, nil, "No tasks yet"},
		{"unknown status", b, "/tasks?status=someday", 422, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.client.get(tt.url)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s = %d, want %d", tt.url, resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			doc := mustDoc(t, body)
			if doc.Find(`[data-testid="task-list"]`).Length() != 1 || doc.Find(`form[data-testid="task-form"]`).Length() != 1 {
				t.Errorf("GET %s has no task-list or task-form", tt.url)
			}
			if got := rowTitles(doc); !slices.Equal(got, tt.wantTitles) {
				t.Errorf("GET %s rows = %q, want %q", tt.url, got, tt.wantTitles)
			}
			empty := strings.TrimSpace(doc.Find(`[data-testid="empty-state"] .empty-state__title`).Text())
			if empty != tt.wantEmpty {
				t.Errorf("GET %s empty state = %q, want %q", tt.url, empty, tt.wantEmpty)
			}
			if !variesByHTMX(resp) {
				t.Errorf("GET %s Vary = %q, want HX-Request", tt.url, resp.Header.Values("Vary"))
			}
		})
	}

	t.Run("due badges", func(t *testing.T) {
		_, body := b.get("/tasks")
		doc := mustDoc(t, body)
		for id, want := range map[int64]string{milk: "overdue", report: "today", taxes: "later"} {
			row := doc.Find(fmt.Sprintf(`[data-testid="task-row"][data-task-id="%d"]`, id))
			if got := row.Find(`[data-testid="due-badge"]`).AttrOr("data-due", ""); got != want {
				t.Errorf("task %d due badge = %q, want %q", id, got, want)
			}
		}
	})
}

func TestTasksLoadMore(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")
	for i := 1; i <= 25; i++ {
		mustAddTask(t, b, url.Values{"title": {fmt.Sprintf("Task %02d", i)}})
	}

	resp, body := b.get("/tasks")
	doc := mustDoc(t, body)
	first := rowTitles(doc)
	if len(first) != 20 || first[0] != "Task 25" {
		t.Fatalf("first page = %d rows starting %q, want 20 starting with Task 25", len(first), first)
	}
	more := doc.Find(`[data-testid="task-list"] [data-testid="load-more"]`)
	next, _ := more.Attr("hx-get")
	if next == "" || more.AttrOr("href", "") != next || !strings.Contains(next, "cursor=") {
		t.Fatalf("load-more hx-get = %q, href = %q; want the same URL with a cursor", next, more.AttrOr("href", ""))
	}

	resp, body = b.get(next, asHTMX...)
	if resp.StatusCode != http.StatusOK || !isFragment(body) || !variesByHTMX(resp) {
		t.Fatalf("htmx GET %s = %d, fragment %t, Vary %q; want 200, a fragment, Vary: HX-Request", next, resp.StatusCode, isFragment(body), resp.Header.Values("Vary"))
	}
	doc = mustDoc(t, body)
	second := rowTitles(doc)
	want := []string{"Task 05", "Task 04", "Task 03", "Task 02", "Task 01"}
	if !slices.Equal(second, want) {
		t.Errorf("second page = %q, want %q", second, want)
	}
	if n := doc.Find(`[data-testid="load-more"]`).Length(); n != 0 {
		t.Errorf("last page has %d load-more buttons, want 0", n)
	}

	resp, body = b.get(next)
	if resp.StatusCode != http.StatusOK || isFragment(body) {
		t.Errorf("plain GET %s = %d, fragment %t; want the whole page (works without JavaScript)", next, resp.StatusCode, isFragment(body))
	}
}

func TestTasksCreate(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")
	long := strings.Repeat("x", 201)

	tests := []struct {
		name         string
		htmx         bool
		form         url.Values
		wantStatus   int
		wantFragment bool
		wantLocation string
		wantError    string // the title field's error, "" for none
		wantTitle    string // the title input's value
		wantDue      string // the due date input's value
	}{
		{name: "htmx: fresh form, new row, toast", htmx: true, form: url.Values{"title": {"Buy milk"}},
			wantStatus: 200, wantFragment: true},
		{name: "htmx: empty title is 422 in place", htmx: true, form: url.Values{"title": {"  "}, "due_date": {"2030-01-02"}},
			wantStatus: 422, wantFragment: true, wantError: "Title is required.", wantDue: "2030-01-02"},
		{name: "htmx: long title keeps the input", htmx: true, form: url.Values{"title": {long}},
			wantStatus: 422, wantFragment: true, wantError: "Title must be at most 200 characters long.", wantTitle: long},
		{name: "plain: redirect to the list", form: url.Values{"title": {"Call mum"}},
			wantStatus: 303, wantLocation: "/tasks"},
		{name: "plain: 422 is the whole page", form: url.Values{"title": {""}},
			wantStatus: 422, wantError: "Title is required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.htmx {
				header = asHTMX
			}
			resp, body := b.post("/tasks", tt.form, header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("POST /tasks = %d, want %d:\n%s", resp.StatusCode, tt.wantStatus, body)
			}
			if !variesByHTMX(resp) {
				t.Errorf("Vary = %q, want HX-Request", resp.Header.Values("Vary"))
			}
			if tt.wantLocation != "" {
				if loc := resp.Header.Get("Location"); loc != tt.wantLocation {
					t.Errorf("Location = %q, want %q", loc, tt.wantLocation)
				}
				return
			}
			if isFragment(body) != tt.wantFragment {
				t.Errorf("fragment = %t, want %t", isFragment(body), tt.wantFragment)
			}
			doc := mustDoc(t, body)
			form := doc.Find(`form[data-testid="task-form"]`)
			if form.Length() != 1 {
				t.Fatalf("response has %d task forms, want 1:\n%s", form.Length(), body)
			}
			if got := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(form.Find(`[data-testid="field-title"] [data-testid="field-error"]`).Text()), "Error:")); got != tt.wantError {
				t.Errorf("title error = %q, want %q", got, tt.wantError)
			}
			if got := form.Find(`input[name="title"]`).AttrOr("value", ""); got != tt.wantTitle {
				t.Errorf("title value = %q, want %q", got, tt.wantTitle)
			}
			if got := form.Find(`input[name="due_date"]`).AttrOr("value", ""); got != tt.wantDue {
				t.Errorf("due date value = %q, want %q", got, tt.wantDue)
			}
			if tt.wantStatus == http.StatusOK {
				row := doc.Find(`[hx-swap-oob="afterbegin:#task-list"] [data-testid="task-row"]`)
				if got := strings.TrimSpace(row.Find(".task-row__title").Text()); got != tt.form.Get("title") {
					t.Errorf("out-of-band row title = %q, want %q", got, tt.form.Get("title"))
				}
				if doc.Find(`[hx-swap-oob="beforeend:#toasts"] [data-testid="toast"]`).Length() != 1 {
					t.Errorf("no out-of-band toast in:\n%s", body)
				}
			}
		})
	}

	_, body := b.get("/tasks")
	if got, want := rowTitles(mustDoc(t, body)), []string{"Call mum", "Buy milk"}; !slices.Equal(got, want) {
		t.Errorf("after the scenarios the list is %q, want %q", got, want)
	}
}

func TestTasksShowAndEdit(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")
	id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
	b.post(fmt.Sprintf("/tasks/%d/status", id), url.Values{"status": {"doing"}})

	resp, body := b.get(fmt.Sprintf("/tasks/%d", id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /tasks/%d = %d", id, resp.StatusCode)
	}
	doc := mustDoc(t, body)
	if doc.Find(`[data-testid="task-detail"]`).AttrOr("data-task-id", "") != strconv.FormatInt(id, 10) {
		t.Errorf("show page has no task-detail for %d", id)
	}
	kinds := doc.Find(`[data-testid="task-event"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-kind", "") })
	if want := []string{"status_changed", "created"}; !slices.Equal(kinds, want) {
		t.Errorf("events = %q, want %q (newest first)", kinds, want)
	}

	resp, body = b.get(fmt.Sprintf("/tasks/%d/edit", id))
	form := mustDoc(t, body).Find(`form[data-testid="task-edit-form"]`)
	if resp.StatusCode != http.StatusOK || form.Length() != 1 {
		t.Fatalf("GET edit = %d with %d edit forms", resp.StatusCode, form.Length())
	}
	if v := form.Find(`input[type="hidden"][name="version"]`).AttrOr("value", ""); v != "2" {
		t.Errorf("hidden version = %q, want 2", v)
	}
	if v := form.Find(`select[name="status"] option[selected]`).AttrOr("value", ""); v != "doing" {
		t.Errorf("selected status = %q, want doing", v)
	}
}

func TestTasksUpdate(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")

	tests := []struct {
		name         string
		method       string
		htmx         bool
		stale        bool // another save happened since the form was opened
		title        string
		wantStatus   int
		wantRedirect bool
		wantConflict bool
		wantError    bool
	}{
		{name: "htmx PUT saves and redirects", method: "PUT", htmx: true, title: "Buy oat milk", wantStatus: 200, wantRedirect: true},
		{name: "plain POST saves and redirects", method: "POST", title: "Buy oat milk", wantStatus: 303, wantRedirect: true},
		{name: "htmx invalid is 422", method: "PUT", htmx: true, title: "", wantStatus: 422, wantError: true},
		{name: "plain invalid is 422", method: "POST", title: "", wantStatus: 422, wantError: true},
		{name: "htmx stale version is 409", method: "PUT", htmx: true, stale: true, title: "Mine", wantStatus: 409, wantConflict: true},
		{name: "plain stale version is 409", method: "POST", stale: true, title: "Mine", wantStatus: 409, wantConflict: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
			path := fmt.Sprintf("/tasks/%d", id)
			if tt.stale {
				b.do("PUT", path, url.Values{"title": {"Theirs"}, "version": {"1"}}, asHTMX...)
			}
			var header []string
			if tt.htmx {
				header = asHTMX
			}
			form := url.Values{"title": {tt.title}, "notes": {"two litres"}, "status": {"todo"}, "version": {"1"}}
			resp, body := b.do(tt.method, path, form, header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d:\n%s", tt.method, path, resp.StatusCode, tt.wantStatus, body)
			}
			if !variesByHTMX(resp) {
				t.Errorf("Vary = %q, want HX-Request", resp.Header.Values("Vary"))
			}
			if tt.wantRedirect {
				if got := resp.Header.Get("HX-Redirect") + resp.Header.Get("Location"); got != path {
					t.Errorf("redirect = %q, want %q", got, path)
				}
				return
			}
			if isFragment(body) != tt.htmx {
				t.Errorf("fragment = %t, want %t (htmx gets the form, a plain post the page)", isFragment(body), tt.htmx)
			}
			edit := mustDoc(t, body).Find(`form[data-testid="task-edit-form"]`)
			if got := edit.Find(`textarea[name="notes"]`).Text(); got != "two litres" {
				t.Errorf("notes = %q, want the user's input kept", got)
			}
			if got := edit.Find(`[data-testid="field-title"] [data-testid="field-error"]`).Length() == 1; got != tt.wantError {
				t.Errorf("title error shown = %t, want %t", got, tt.wantError)
			}
			conflict := edit.Find(`[data-testid="task-conflict"]`)
			if (conflict.Length() == 1) != tt.wantConflict {
				t.Errorf("conflict message shown = %t, want %t", conflict.Length() == 1, tt.wantConflict)
			}
			if reload := conflict.Find(`[data-testid="task-reload"]`).AttrOr("href", ""); tt.wantConflict && reload != path+"/edit" {
				t.Errorf("reload link = %q, want %q", reload, path+"/edit")
			}
		})
	}
}

func TestTasksChangeStatus(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")
	id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
	path := fmt.Sprintf("/tasks/%d/status", id)

	resp, body := b.post(path, url.Values{"status": {"done"}}, asHTMX...)
	if resp.StatusCode != http.StatusOK || !isFragment(body) || !variesByHTMX(resp) {
		t.Fatalf("htmx POST %s = %d, fragment %t, Vary %q", path, resp.StatusCode, isFragment(body), resp.Header.Values("Vary"))
	}
	row := mustDoc(t, body).Find(`[data-testid="task-row"]`)
	if row.AttrOr("data-status", "") != "done" {
		t.Errorf("row status = %q, want done", row.AttrOr("data-status", ""))
	}
	if got := row.Find(`[data-testid="task-status"] [aria-pressed="true"]`).AttrOr("value", ""); got != "done" {
		t.Errorf("pressed status = %q, want done", got)
	}

	resp, _ = b.post(path, url.Values{"status": {"doing"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tasks" {
		t.Errorf("plain POST %s = %d → %q, want 303 → /tasks", path, resp.StatusCode, resp.Header.Get("Location"))
	}
	// Without htmx the confirmation comes as a toast on the next page, once.
	_, body = b.get("/tasks")
	if toast := mustDoc(t, body).Find(`#toasts [data-testid="toast"]`).Text(); !strings.Contains(toast, "Status changed.") {
		t.Errorf("after a plain status change the list shows toast %q, want \"Status changed.\"", toast)
	}
	if _, body = b.get("/tasks"); mustDoc(t, body).Find(`#toasts [data-testid="toast"]`).Length() != 0 {
		t.Error("the toast showed twice")
	}
	if resp, _ = b.post(path, url.Values{"status": {"someday"}}, asHTMX...); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown status = %d, want 422", resp.StatusCode)
	}
}

func TestTasksDelete(t *testing.T) {
	t.Parallel()
	b, _ := newTaskUser(t, "alice@example.com")

	for _, tt := range []struct {
		name, method, suffix string
		htmx                 bool
		wantStatus           int
	}{
		{"htmx DELETE", "DELETE", "", true, 200},
		{"plain POST", "POST", "/delete", false, 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
			var header []string
			if tt.htmx {
				header = asHTMX
			}
			resp, body := b.do(tt.method, fmt.Sprintf("/tasks/%d%s", id, tt.suffix), url.Values{}, header...)
			if resp.StatusCode != tt.wantStatus || !variesByHTMX(resp) {
				t.Fatalf("%s = %d, Vary %q; want %d with Vary: HX-Request", tt.name, resp.StatusCode, resp.Header.Values("Vary"), tt.wantStatus)
			}
			if tt.htmx {
				doc := mustDoc(t, body)
				if doc.Find(`[data-testid="task-row"]`).Length() != 0 || doc.Find(`[data-testid="toast"]`).Length() != 1 {
					t.Errorf("htmx delete answered %q, want only a toast", body)
				}
			} else if loc := resp.Header.Get("Location"); loc != "/tasks" {
				t.Errorf("Location = %q, want /tasks", loc)
			}
			if resp, _ := b.get(fmt.Sprintf("/tasks/%d", id)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET deleted task = %d, want 404", resp.StatusCode)
			}
		})
	}
}

// TestTasksOtherUsersTask checks that another user's task is a 404 on
// every route, never a 403 that would confirm it exists.
func TestTasksOtherUsersTask(t *testing.T) {
	t.Parallel()
	alice, _ := newTaskUser(t, "alice@example.com")
	id := mustAddTask(t, alice, url.Values{"title": {"Alice's secret"}})
	bob := signUpOn(t, alice, "bob@example.com")
	path := fmt.Sprintf("/tasks/%d", id)
	edit := url.Values{"title": {"Bob was here"}, "version": {"1"}}

	for _, tt := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", path, nil},
		{"GET", path + "/edit", nil},
		{"PUT", path, edit},
		{"POST", path, edit},
		{"POST", path + "/status", url.Values{"status": {"done"}}},
		{"DELETE", path, nil},
		{"POST", path + "/delete", url.Values{}},
		{"GET", "/tasks/not-a-number", nil},
	} {
		for _, htmx := range []bool{false, true} {
			var header []string
			if htmx {
				header = asHTMX
			}
			if resp, body := bob.do(tt.method, tt.path, tt.form, header...); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Alice") {
				t.Errorf("bob %s %s (htmx %t) = %d, want 404 without the task", tt.method, tt.path, htmx, resp.StatusCode)
			}
		}
	}
	if resp, body := alice.get(path); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Alice&#39;s secret") {
		t.Errorf("after bob's attempts alice's task = %d, want it unchanged", resp.StatusCode)
	}
}

func TestTasksAdminReadOnly(t *testing.T) {
	t.Parallel()
	alice, st := newTaskUser(t, "alice@example.com")
	id := mustAddTask(t, alice, url.Values{"title": {"Buy milk"}})
	mustCreateUser(t, st, "admin@example.com", account.RoleAdmin)
	admin := newBrowserClient(t, alice.base)
	admin.login("admin@example.com", alicePassword)
	path := fmt.Sprintf("/tasks/%d", id)

	resp, body := admin.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin GET %s = %d, want 200", path, resp.StatusCode)
	}
	doc := mustDoc(t, body)
	if doc.Find(`[data-testid="task-detail"] [data-testid="alert"]`).Length() != 1 || doc.Find(`[data-testid="task-edit"], [data-testid="task-delete"]`).Length() != 0 {
		t.Errorf("admin's view of another user's task should be marked read-only, with no edit or delete")
	}
	for _, tt := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", path + "/edit", nil},
		{"PUT", path, url.Values{"title": {"Admin was here"}, "version": {"1"}}},
		{"POST", path + "/status", url.Values{"status": {"done"}}},
		{"DELETE", path, nil},
	} {
		if resp, _ := admin.do(tt.method, tt.path, tt.form, asHTMX...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("admin %s %s = %d, want 403", tt.method, tt.path, resp.StatusCode)
		}
	}
	if _, body := admin.get("/tasks"); len(rowTitles(mustDoc(t, body))) != 0 {
		t.Errorf("admin's own list shows other users' tasks")
	}
	// Everyone's tasks: listed, read-only (no status or delete controls).
	resp, body = admin.get("/tasks?all=true")
	doc = mustDoc(t, body)
	if resp.StatusCode != http.StatusOK || len(rowTitles(doc)) == 0 {
		t.Fatalf("admin GET /tasks?all=true = %d with %d rows", resp.StatusCode, len(rowTitles(doc)))
	}
	if n := doc.Find(`[data-testid="task-row"] [data-testid="task-status"], [data-testid="task-row"] [data-testid="task-delete"]`).Length(); n != 0 {
		t.Errorf("everyone's list offers %d controls on other users' tasks, want none", n)
	}
	if resp, _ := alice.get("/tasks?all=true"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin GET /tasks?all=true = %d, want 403", resp.StatusCode)
	}
}
