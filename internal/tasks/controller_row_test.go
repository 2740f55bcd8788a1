package tasks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// GET /tasks/{id}/row is the one row the live list refreshes or adds: the
// row of the list the query selects, an empty answer when the task is not
// on that list (so the page drops it), 404 for a task the viewer may not
// read, 422 for a bad filter.
func TestTasksListRow(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	b := srv.user(t)
	milk := mustAddTask(t, b, url.Values{"title": {"Buy milk"}})
	b.Post(tasks.TaskStatusURL(milk), url.Values{"status": {"done"}})
	other := srv.user(t)
	theirs := mustAddTask(t, other, url.Values{"title": {"Their task"}})
	admin := srv.admin(t)
	rowURL := func(id int64, query string) string {
		return tasks.TaskURL(id) + "/row" + query
	}

	tests := []struct {
		name       string
		client     *httpxtest.Client
		url        string
		wantStatus int
		wantRow    bool // a row with the task's id, else an empty answer (for 200)
		wantButton bool // the row has its controls (not read-only)
	}{
		{"own task, unfiltered list", b, rowURL(milk, ""), 200, true, true},
		{"matching status filter", b, rowURL(milk, "?status=done"), 200, true, true},
		{"matching search", b, rowURL(milk, "?q=milk"), 200, true, true},
		{"no longer matching the status filter", b, rowURL(milk, "?status=todo"), 200, false, false},
		{"not matching the search", b, rowURL(milk, "?q=zebra"), 200, false, false},
		{"someone else's task", b, rowURL(theirs, ""), 404, false, false},
		{"a task that does not exist", b, rowURL(theirs+1000, ""), 404, false, false},
		{"bad status filter", b, rowURL(milk, "?status=someday"), 422, false, false},
		{"admin, everyone's list: read-only row", admin, rowURL(theirs, "?all=true"), 200, true, false},
		{"admin, own list: not on it", admin, rowURL(theirs, ""), 200, false, false},
		{"user asking for everyone's list", b, rowURL(milk, "?all=true"), 403, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.client.Get(tt.url, asHTMX...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s = %d, want %d:\n%s", tt.url, resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if !tt.wantRow {
				if strings.TrimSpace(body) != "" {
					t.Errorf("GET %s answered %q, want nothing (the page drops the row)", tt.url, body)
				}
				return
			}
			doc := httpxtest.Doc(t, body)
			rows := doc.Find(`[data-testid="task-row"]`)
			if rows.Length() != 1 || !isFragment(body) {
				t.Fatalf("GET %s: %d rows, fragment %t; want one row alone:\n%s", tt.url, rows.Length(), isFragment(body), body)
			}
			if id := rows.AttrOr("data-task-id", ""); id == "" || !strings.HasSuffix(tt.url[:strings.Index(tt.url, "/row")], "/"+id) {
				t.Errorf("row data-task-id = %q, want the task of %s", id, tt.url)
			}
			if got := doc.Find(`[data-testid="task-status"]`).Length() > 0; got != tt.wantButton {
				t.Errorf("row has controls = %t, want %t", got, tt.wantButton)
			}
		})
	}
}
