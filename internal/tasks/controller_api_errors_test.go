package tasks_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// TestTasksAPIErrors sends every kind of bad request and checks the status
// and the problem document (T27: never a 5xx). Nothing it sends may change
// the task.
func TestTasksAPIErrors(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.api(srv.user(t))
	bob := srv.api(srv.user(t))
	admin := srv.api(srv.admin(t))
	anonymous := srv.api(srv.srv.Client(nil))

	task := alice.createTask(t, `{"title":"Alice's task"}`)
	self := fmt.Sprintf("%s/%d", apiTasksPath, task.ID)
	if resp, body := alice.send(t, http.MethodPatch, self, `{"version":1,"notes":"Second version"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH = %d, want 200:\n%s", resp.StatusCode, body)
	}
	const (
		list     = apiTasksPath
		jsonType = "application/json"
	)
	tooLarge := `{"title":"` + strings.Repeat("a", 2<<20) + `"}` // 2 MiB
	long := func(n int) string { return strings.Repeat("x", n) }

	tests := []struct {
		name         string
		as           *apiClient
		method, path string
		contentType  string
		body         string
		header       []string
		want         int
		wantErrors   []string // fields in the 422 problem's errors
	}{
		{name: "malformed JSON", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":`, want: 400},
		{name: "not an object", as: alice, method: "POST", path: list, contentType: jsonType, body: `["title"]`, want: 400},
		{name: "wrong type", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":42}`, want: 400},
		{name: "due date not a date", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x","due_date":"31/12/2026"}`, want: 400},
		{name: "unknown field role", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x","role":"admin"}`, want: 400},
		{name: "unknown field user_id", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x","user_id":1}`, want: 400},
		{name: "trailing object", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x"}{"title":"y"}`, want: 400},
		{name: "trailing garbage", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x"} garbage`, want: 400},
		{name: "empty body", as: alice, method: "POST", path: list, contentType: jsonType, body: ``, want: 400},
		{name: "PATCH malformed JSON", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":`, want: 400},
		{name: "PATCH unknown field", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"id":99}`, want: 400},

		{name: "list without a session", as: anonymous, method: "GET", path: list, want: 401},
		{name: "create without a session", as: anonymous, method: "POST", path: list, contentType: jsonType, body: `{"title":"x"}`, want: 401},
		{name: "get without a session", as: anonymous, method: "GET", path: self, want: 401},
		{name: "patch without a session", as: anonymous, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2}`, want: 401},
		{name: "delete without a session", as: anonymous, method: "DELETE", path: self, want: 401},

		{name: "cross-site POST", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x"}`, header: []string{"Sec-Fetch-Site", "cross-site"}, want: 403},
		{name: "cross-site PATCH", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"title":"x"}`, header: []string{"Sec-Fetch-Site", "cross-site"}, want: 403},
		{name: "cross-site DELETE", as: alice, method: "DELETE", path: self, header: []string{"Sec-Fetch-Site", "cross-site"}, want: 403},
		{name: "admin reads another user's task", as: admin, method: "GET", path: self, want: 200},
		{name: "admin changes another user's task", as: admin, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"title":"x"}`, want: 403},
		{name: "admin deletes another user's task", as: admin, method: "DELETE", path: self, want: 403},

		{name: "get another user's task", as: bob, method: "GET", path: self, want: 404},
		{name: "patch another user's task", as: bob, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"title":"Mine now"}`, want: 404},
		{name: "delete another user's task", as: bob, method: "DELETE", path: self, want: 404},
		{name: "missing task", as: alice, method: "GET", path: list + "/999999999", want: 404},
		{name: "id not a number", as: alice, method: "GET", path: list + "/abc", want: 404},
		{name: "id zero", as: alice, method: "DELETE", path: list + "/0", want: 404},

		{name: "stale version", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":1,"title":"Late"}`, want: 409},

		{name: "POST over 1 MiB", as: alice, method: "POST", path: list, contentType: jsonType, body: tooLarge, want: 413},
		{name: "PATCH over 1 MiB", as: alice, method: "PATCH", path: self, contentType: jsonType, body: tooLarge, want: 413},

		{name: "text/plain", as: alice, method: "POST", path: list, contentType: "text/plain", body: `{"title":"x"}`, want: 415},
		{name: "form", as: alice, method: "POST", path: list, contentType: "application/x-www-form-urlencoded", body: `title=x`, want: 415},
		{name: "no Content-Type", as: alice, method: "POST", path: list, body: `{"title":"x"}`, want: 415},
		{name: "PATCH text/plain", as: alice, method: "PATCH", path: self, contentType: "text/plain", body: `{"version":2}`, want: 415},

		{name: "empty title", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":""}`, want: 422, wantErrors: []string{"title"}},
		{name: "blank title", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"   "}`, want: 422, wantErrors: []string{"title"}},
		{name: "title too long", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"` + long(201) + `"}`, want: 422, wantErrors: []string{"title"}},
		{name: "notes too long", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"x","notes":"` + long(10001) + `"}`, want: 422, wantErrors: []string{"notes"}},
		{name: "empty title and unknown status", as: alice, method: "POST", path: list, contentType: jsonType, body: `{"title":"","status":"later"}`, want: 422, wantErrors: []string{"title", "status"}},
		{name: "PATCH without version", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"title":"New"}`, want: 422, wantErrors: []string{"version"}},
		{name: "PATCH empty title", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"title":""}`, want: 422, wantErrors: []string{"title"}},
		{name: "PATCH unknown status", as: alice, method: "PATCH", path: self, contentType: jsonType, body: `{"version":2,"status":"later"}`, want: 422, wantErrors: []string{"status"}},
		{name: "limit 0", as: alice, method: "GET", path: list + "?limit=0", want: 422, wantErrors: []string{"limit"}},
		{name: "limit 101", as: alice, method: "GET", path: list + "?limit=101", want: 422, wantErrors: []string{"limit"}},
		{name: "limit -1", as: alice, method: "GET", path: list + "?limit=-1", want: 422, wantErrors: []string{"limit"}},
		{name: "limit abc", as: alice, method: "GET", path: list + "?limit=abc", want: 422, wantErrors: []string{"limit"}},
		{name: "unknown status filter", as: alice, method: "GET", path: list + "?status=later", want: 422, wantErrors: []string{"status"}},
		{name: "bad cursor", as: alice, method: "GET", path: list + "?cursor=not-a-cursor", want: 422, wantErrors: []string{"cursor"}},
		{name: "search too long", as: alice, method: "GET", path: list + "?q=" + long(201), want: 422, wantErrors: []string{"q"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			header := tt.header
			if tt.contentType != "" {
				header = append([]string{"Content-Type", tt.contentType}, header...)
			}
			resp, out := tt.as.call(t, tt.method, tt.path, body, header...)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s = %d, want %d:\n%s", tt.method, tt.path, resp.StatusCode, tt.want, out)
			}
			if tt.want < 400 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q, want application/problem+json", ct)
			}
			p := decodeAPI[httpx.Problem](t, out)
			if p.Status != tt.want || p.RequestID == "" || p.Detail == "" {
				t.Errorf("problem = %+v, want status %d with a detail and a request_id", p, tt.want)
			}
			for _, field := range tt.wantErrors {
				if p.Errors[field] == "" {
					t.Errorf("errors = %v, want a message for %q", p.Errors, field)
				}
			}
			if len(p.Errors) != len(tt.wantErrors) {
				t.Errorf("errors = %v, want exactly %q", p.Errors, tt.wantErrors)
			}
		})
	}

	resp, body := alice.call(t, http.MethodGet, self, nil)
	if got := decodeAPI[tasks.Task](t, body); resp.StatusCode != http.StatusOK || got.Title != task.Title || got.Version != 2 {
		t.Errorf("after the bad requests: %d %s, want the task unchanged at version 2", resp.StatusCode, body)
	}
	if page := alice.list(t, ""); len(page.Items) != 1 {
		t.Errorf("after the bad requests alice has %d tasks, want 1", len(page.Items))
	}
}
