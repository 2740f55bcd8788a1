package tasks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// Controller tests of the task pages that change a task (controller.go):
// update, status, delete, and what other users and admins may do.

func TestTasksUpdate(t *testing.T) {
	t.Parallel()
	b := newTestServer(t).user(t)

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
			path := tasks.TaskURL(id)
			if tt.stale {
				b.Form("PUT", path, url.Values{"title": {"Theirs"}, "version": {"1"}}, asHTMX...)
			}
			var header []string
			if tt.htmx {
				header = asHTMX
			}
			form := url.Values{"title": {tt.title}, "notes": {"two litres"}, "status": {"todo"}, "version": {"1"}}
			resp, body := b.Form(tt.method, path, form, header...)
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
			edit := httpxtest.Doc(t, body).Find(`form[data-testid="task-edit-form"]`)
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
			if reload := conflict.Find(`[data-testid="task-reload"]`).AttrOr("href", ""); tt.wantConflict && reload != tasks.TaskEditURL(id) {
				t.Errorf("reload link = %q, want %q", reload, tasks.TaskEditURL(id))
			}
		})
	}
}

func TestTasksChangeStatus(t *testing.T) {
	t.Parallel()
	b := newTestServer(t).user(t)
	id := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
	path := tasks.TaskStatusURL(id)

	resp, body := b.Post(path, url.Values{"status": {"done"}}, asHTMX...)
	if resp.StatusCode != http.StatusOK || !isFragment(body) || !variesByHTMX(resp) {
		t.Fatalf("htmx POST %s = %d, fragment %t, Vary %q", path, resp.StatusCode, isFragment(body), resp.Header.Values("Vary"))
	}
	row := httpxtest.Doc(t, body).Find(`[data-testid="task-row"]`)
	if row.AttrOr("data-status", "") != "done" {
		t.Errorf("row status = %q, want done", row.AttrOr("data-status", ""))
	}
	if got := row.Find(`[data-testid="task-status"] [aria-pressed="true"]`).AttrOr("value", ""); got != "done" {
		t.Errorf("pressed status = %q, want done", got)
	}

	resp, _ = b.Post(path, url.Values{"status": {"doing"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tasks.TasksURL() {
		t.Errorf("plain POST %s = %d → %q, want 303 → /tasks", path, resp.StatusCode, resp.Header.Get("Location"))
	}
	// Without htmx the confirmation comes as a toast on the next page, once.
	_, body = b.Get(tasks.TasksURL())
	if toast := httpxtest.Doc(t, body).Find(`#toasts [data-testid="toast"]`).Text(); !strings.Contains(toast, "Status changed.") {
		t.Errorf("after a plain status change the list shows toast %q, want \"Status changed.\"", toast)
	}
	if _, body = b.Get(tasks.TasksURL()); httpxtest.Doc(t, body).Find(`#toasts [data-testid="toast"]`).Length() != 0 {
		t.Error("the toast showed twice")
	}
	if resp, _ = b.Post(path, url.Values{"status": {"someday"}}, asHTMX...); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown status = %d, want 422", resp.StatusCode)
	}
}

func TestTasksDelete(t *testing.T) {
	t.Parallel()
	b := newTestServer(t).user(t)

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
			resp, body := b.Form(tt.method, tasks.TaskURL(id)+tt.suffix, url.Values{}, header...)
			if resp.StatusCode != tt.wantStatus || !variesByHTMX(resp) {
				t.Fatalf("%s = %d, Vary %q; want %d with Vary: HX-Request", tt.name, resp.StatusCode, resp.Header.Values("Vary"), tt.wantStatus)
			}
			if tt.htmx {
				doc := httpxtest.Doc(t, body)
				if doc.Find(`[data-testid="task-row"]`).Length() != 0 || doc.Find(`[data-testid="toast"]`).Length() != 1 {
					t.Errorf("htmx delete answered %q, want only a toast", body)
				}
			} else if loc := resp.Header.Get("Location"); loc != tasks.TasksURL() {
				t.Errorf("Location = %q, want /tasks", loc)
			}
			if resp, _ := b.Get(tasks.TaskURL(id)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET deleted task = %d, want 404", resp.StatusCode)
			}
		})
	}
}

// TestTasksOtherUsersTask checks that another user's task is a 404 on
// every route, never a 403 that would confirm it exists.
func TestTasksOtherUsersTask(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.user(t)
	id := mustAddTask(t, alice, url.Values{"title": {"Alice's secret"}})
	bob := srv.user(t)
	path := tasks.TaskURL(id)
	edit := url.Values{"title": {"Bob was here"}, "version": {"1"}}

	for _, tt := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", path, nil},
		{"GET", tasks.TaskEditURL(id), nil},
		{"PUT", path, edit},
		{"POST", path, edit},
		{"POST", tasks.TaskStatusURL(id), url.Values{"status": {"done"}}},
		{"DELETE", path, nil},
		{"POST", tasks.TaskDeleteURL(id), url.Values{}},
		{"GET", tasks.TasksURL() + "/not-a-number", nil},
	} {
		for _, htmx := range []bool{false, true} {
			var header []string
			if htmx {
				header = asHTMX
			}
			if resp, body := bob.Form(tt.method, tt.path, tt.form, header...); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Alice") {
				t.Errorf("bob %s %s (htmx %t) = %d, want 404 without the task", tt.method, tt.path, htmx, resp.StatusCode)
			}
		}
	}
	if resp, body := alice.Get(path); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Alice&#39;s secret") {
		t.Errorf("after bob's attempts alice's task = %d, want it unchanged", resp.StatusCode)
	}
}

func TestTasksAdminReadOnly(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.user(t)
	id := mustAddTask(t, alice, url.Values{"title": {"Buy milk"}})
	admin := srv.admin(t)
	path := tasks.TaskURL(id)

	resp, body := admin.Get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin GET %s = %d, want 200", path, resp.StatusCode)
	}
	doc := httpxtest.Doc(t, body)
	if doc.Find(`[data-testid="task-detail"] [data-testid="alert"]`).Length() != 1 || doc.Find(`[data-testid="task-edit"], [data-testid="task-delete"]`).Length() != 0 {
		t.Errorf("admin's view of another user's task should be marked read-only, with no edit or delete")
	}
	for _, tt := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", tasks.TaskEditURL(id), nil},
		{"PUT", path, url.Values{"title": {"Admin was here"}, "version": {"1"}}},
		{"POST", tasks.TaskStatusURL(id), url.Values{"status": {"done"}}},
		{"DELETE", path, nil},
	} {
		if resp, _ := admin.Form(tt.method, tt.path, tt.form, asHTMX...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("admin %s %s = %d, want 403", tt.method, tt.path, resp.StatusCode)
		}
	}
	if _, body := admin.Get(tasks.TasksURL()); len(rowTitles(httpxtest.Doc(t, body))) != 0 {
		t.Errorf("admin's own list shows other users' tasks")
	}
	// Everyone's tasks: listed, read-only (no status or delete controls).
	resp, body = admin.Get(tasks.TasksURL() + "?all=true")
	doc = httpxtest.Doc(t, body)
	if resp.StatusCode != http.StatusOK || len(rowTitles(doc)) == 0 {
		t.Fatalf("admin GET /tasks?all=true = %d with %d rows", resp.StatusCode, len(rowTitles(doc)))
	}
	if n := doc.Find(`[data-testid="task-row"] [data-testid="task-status"], [data-testid="task-row"] [data-testid="task-delete"]`).Length(); n != 0 {
		t.Errorf("everyone's list offers %d controls on other users' tasks, want none", n)
	}
	if resp, _ := alice.Get(tasks.TasksURL() + "?all=true"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin GET /tasks?all=true = %d, want 403", resp.StatusCode)
	}
}
