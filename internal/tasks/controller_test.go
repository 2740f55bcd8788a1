package tasks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// Controller tests of the task pages and their htmx fragments
// (controller.go), reading: the list, paging, creating, showing. Changes
// are in controller_write_test.go, the JSON API in controller_api_test.go.
// HTML is asserted with data-testid selectors.

func TestTasksIndex(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	b := srv.user(t)
	milk := mustAddTask(t, b, url.Values{"title": {"Buy milk"}, "due_date": {day(-1)}})
	report := mustAddTask(t, b, url.Values{"title": {"Write report"}, "due_date": {day(0)}})
	taxes := mustAddTask(t, b, url.Values{"title": {"File taxes"}, "due_date": {day(7)}})
	b.Post(tasks.TaskURL(report), url.Values{"title": {"Write report"}, "notes": {"Quarterly numbers"}, "status": {"doing"}, "due_date": {day(0)}, "version": {"1"}})
	b.Post(tasks.TaskStatusURL(taxes), url.Values{"status": {"done"}})
	newcomer := srv.user(t)

	tests := []struct {
		name       string
		client     *httpxtest.Client
		url        string
		wantStatus int
		wantTitles []string
		wantEmpty  string // the empty state's title, or "" for none
	}{
		{"everything, newest first", b, tasks.TasksURL(), 200, []string{"File taxes", "Write report", "Buy milk"}, ""},
		{"filtered by status", b, tasks.TasksURL() + "?status=doing", 200, []string{"Write report"}, ""},
		{"searched in notes", b, tasks.TasksURL() + "?q=quarterly", 200, []string{"Write report"}, ""},
		{"searched in titles", b, tasks.TasksURL() + "?q=milk", 200, []string{"Buy milk"}, ""},
		{"status and search together", b, tasks.TasksURL() + "?status=done&q=milk", 200, nil, "No matching tasks"},
		{"no match", b, tasks.TasksURL() + "?q=zebra", 200, nil, "No matching tasks"},
		{"no tasks yet", newcomer, tasks.TasksURL(), 200, nil, "No tasks yet"},
		{"unknown status", b, tasks.TasksURL() + "?status=someday", 422, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.client.Get(tt.url)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s = %d, want %d", tt.url, resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			doc := httpxtest.Doc(t, body)
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
		_, body := b.Get(tasks.TasksURL())
		doc := httpxtest.Doc(t, body)
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
	b := newTestServer(t).user(t)
	for i := 1; i <= 25; i++ {
		mustAddTask(t, b, url.Values{"title": {fmt.Sprintf("Task %02d", i)}})
	}

	resp, body := b.Get(tasks.TasksURL())
	doc := httpxtest.Doc(t, body)
	first := rowTitles(doc)
	if len(first) != 20 || first[0] != "Task 25" {
		t.Fatalf("first page = %d rows starting %q, want 20 starting with Task 25", len(first), first)
	}
	more := doc.Find(`[data-testid="task-list"] [data-testid="load-more"]`)
	next, _ := more.Attr("hx-get")
	if next == "" || more.AttrOr("href", "") != next || !strings.Contains(next, "cursor=") {
		t.Fatalf("load-more hx-get = %q, href = %q; want the same URL with a cursor", next, more.AttrOr("href", ""))
	}

	resp, body = b.Get(next, asHTMX...)
	if resp.StatusCode != http.StatusOK || !isFragment(body) || !variesByHTMX(resp) {
		t.Fatalf("htmx GET %s = %d, fragment %t, Vary %q; want 200, a fragment, Vary: HX-Request", next, resp.StatusCode, isFragment(body), resp.Header.Values("Vary"))
	}
	doc = httpxtest.Doc(t, body)
	second := rowTitles(doc)
	want := []string{"Task 05", "Task 04", "Task 03", "Task 02", "Task 01"}
	if !slices.Equal(second, want) {
		t.Errorf("second page = %q, want %q", second, want)
	}
	if n := doc.Find(`[data-testid="load-more"]`).Length(); n != 0 {
		t.Errorf("last page has %d load-more buttons, want 0", n)
	}

	resp, body = b.Get(next)
	if resp.StatusCode != http.StatusOK || isFragment(body) {
		t.Errorf("plain GET %s = %d, fragment %t; want the whole page (works without JavaScript)", next, resp.StatusCode, isFragment(body))
	}
}

func TestTasksCreate(t *testing.T) {
	t.Parallel()
	b := newTestServer(t).user(t)
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
			wantStatus: 303, wantLocation: tasks.TasksURL()},
		{name: "plain: 422 is the whole page", form: url.Values{"title": {""}},
			wantStatus: 422, wantError: "Title is required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.htmx {
				header = asHTMX
			}
			resp, body := b.Post(tasks.TasksURL(), tt.form, header...)
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
			doc := httpxtest.Doc(t, body)
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

	_, body := b.Get(tasks.TasksURL())
	if got, want := rowTitles(httpxtest.Doc(t, body)), []string{"Call mum", "Buy milk"}; !slices.Equal(got, want) {
		t.Errorf("after the scenarios the list is %q, want %q", got, want)
	}
}

func TestTasksShowAndEdit(t *testing.T) {
	t.Parallel()
	b := newTestServer(t).user(t)
	id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
	b.Post(tasks.TaskStatusURL(id), url.Values{"status": {"doing"}})

	resp, body := b.Get(tasks.TaskURL(id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /tasks/%d = %d", id, resp.StatusCode)
	}
	doc := httpxtest.Doc(t, body)
	if doc.Find(`[data-testid="task-detail"]`).AttrOr("data-task-id", "") != strconv.FormatInt(id, 10) {
		t.Errorf("show page has no task-detail for %d", id)
	}
	kinds := doc.Find(`[data-testid="task-event"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-kind", "") })
	if want := []string{"status_changed", "created"}; !slices.Equal(kinds, want) {
		t.Errorf("events = %q, want %q (newest first)", kinds, want)
	}

	resp, body = b.Get(tasks.TaskEditURL(id))
	form := httpxtest.Doc(t, body).Find(`form[data-testid="task-edit-form"]`)
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
