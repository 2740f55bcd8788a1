package tasks_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// The tasks JSON API (controller_api.go) behind the real middleware chain
// and on a real database: every answer checked against the OpenAPI
// document (openapi.Base and this feature's openapi.json, assembled).
// Every bad request is in controller_api_errors_test.go.

// TestOpenAPIDocument checks the document's own consistency: every
// reference resolves and every schema compiles, errors are problem+json,
// and every tasks operation documents 401 and the cookie security.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	spec := openapitest.Load(t, openAPIDocument(t))

	for _, name := range []string{"Task", "TaskInput", "TaskPatch", "TaskPage", "Problem"} {
		spec.Schema(t, "/components/schemas/"+name)
	}
	schemes, _ := spec.Doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	for name, cookie := range map[string]string{"sessionCookie": "__Host-session", "devSessionCookie": "session"} {
		s, _ := schemes[name].(map[string]any)
		if s["type"] != "apiKey" || s["in"] != "cookie" || s["name"] != cookie {
			t.Errorf("securitySchemes.%s = %v, want an apiKey cookie %s", name, s, cookie)
		}
	}

	for key, op := range spec.Operations() {
		method, tmpl, _ := strings.Cut(key, " ")
		base := "/paths/" + openapitest.PointerToken(tmpl) + "/" + strings.ToLower(method)
		if body, ok := op["requestBody"].(map[string]any); ok {
			spec.Schema(t, base+"/requestBody/content/application~1json/schema")
			if body["required"] != true {
				t.Errorf("%s: requestBody should be required", key)
			}
		}
		responses, _ := op["responses"].(map[string]any)
		for status, res := range responses {
			res, pointer := spec.Resolve(t, res.(map[string]any), base+"/responses/"+status)
			content, _ := res["content"].(map[string]any)
			for mediaType := range content {
				spec.Schema(t, pointer+"/content/"+openapitest.PointerToken(mediaType)+"/schema")
			}
			if status >= "400" {
				if _, ok := content["application/problem+json"]; !ok || len(content) != 1 {
					t.Errorf("%s %s: want application/problem+json only", key, status)
				}
			}
		}
		if strings.HasPrefix(tmpl, apiTasksPath) {
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s: 401 is not documented", key)
			}
			if _, ok := op["security"]; ok {
				t.Errorf("%s: overrides the document's cookie security", key)
			}
		}
	}
}

// TestTasksAPICRUD is the happy path: 201 with Location, 200 get/list/patch,
// 409 on a stale version, 204 delete and 404 after.
func TestTasksAPICRUD(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.api(srv.user(t))

	if page := alice.list(t, ""); len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("empty list = %+v, want no items and no cursor", page)
	}

	resp, body := alice.send(t, http.MethodPost, apiTasksPath, `{"title":"  Buy milk  ","notes":"Two litres","due_date":"2026-05-01"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d, want 201:\n%s", resp.StatusCode, body)
	}
	created := decodeAPI[tasks.Task](t, body)
	if created.Title != "Buy milk" || created.Notes != "Two litres" || created.Status != tasks.StatusTodo ||
		created.Version != 1 || created.DueDate == nil || created.DueDate.String() != "2026-05-01" {
		t.Errorf("created = %+v, want the trimmed title, the notes, todo, version 1, due 2026-05-01", created)
	}
	self := fmt.Sprintf("%s/%d", apiTasksPath, created.ID)
	if got := resp.Header.Get("Location"); got != self {
		t.Errorf("Location = %q, want %q", got, self)
	}

	resp, got := alice.call(t, http.MethodGet, self, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
		t.Errorf("GET %s = %d %s, want 200 with the created task %s", self, resp.StatusCode, got, body)
	}
	if page := alice.list(t, ""); len(page.Items) != 1 || page.Items[0].ID != created.ID {
		t.Errorf("list = %+v, want the one task", page)
	}

	resp, body = alice.send(t, http.MethodPatch, self, `{"version":1,"status":"doing","notes":"Oat milk"}`)
	patched := decodeAPI[tasks.Task](t, body)
	if resp.StatusCode != http.StatusOK || patched.Version != 2 || patched.Status != tasks.StatusDoing ||
		patched.Notes != "Oat milk" || patched.Title != "Buy milk" || patched.DueDate == nil {
		t.Errorf("PATCH = %d %+v, want 200, version 2, doing, the new notes, the rest unchanged", resp.StatusCode, patched)
	}
	resp, body = alice.send(t, http.MethodPatch, self, `{"version":2,"clear_due_date":true}`)
	if cleared := decodeAPI[tasks.Task](t, body); resp.StatusCode != http.StatusOK || cleared.DueDate != nil || cleared.Version != 3 {
		t.Errorf("PATCH clear_due_date = %d %s, want 200, due_date null, version 3", resp.StatusCode, body)
	}

	resp, body = alice.send(t, http.MethodPatch, self, `{"version":2,"title":"Late change"}`)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("PATCH with version 2 after version 3 = %d, want 409:\n%s", resp.StatusCode, body)
	}
	if _, body = alice.call(t, http.MethodGet, self, nil); decodeAPI[tasks.Task](t, body).Title != "Buy milk" {
		t.Errorf("a stale PATCH changed the task: %s", body)
	}

	resp, body = alice.call(t, http.MethodDelete, self, nil)
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
		t.Errorf("DELETE = %d %q, want 204 without a body", resp.StatusCode, body)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if resp, _ := alice.call(t, method, self, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s after DELETE = %d, want 404", method, resp.StatusCode)
		}
	}
	if resp, _ := alice.send(t, http.MethodPatch, self, `{"version":3,"title":"Gone"}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("PATCH after DELETE = %d, want 404", resp.StatusCode)
	}
}

// TestTasksAPIPagination walks 30 tasks in pages of 10 by next_cursor:
// three pages, newest first, no duplicates, no gaps, "" after the last.
func TestTasksAPIPagination(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.api(srv.user(t))
	var want []int64
	for i := range 30 {
		want = append(want, alice.createTask(t, fmt.Sprintf(`{"title":"Task %d"}`, i+1)).ID)
	}
	slices.Reverse(want) // newest first

	var got []int64
	cursor, pages := "", 0
	for {
		query := "limit=10"
		if cursor != "" {
			query += "&cursor=" + url.QueryEscape(cursor)
		}
		page := alice.list(t, query)
		pages++
		if len(page.Items) != 10 {
			t.Errorf("page %d has %d items, want 10", pages, len(page.Items))
		}
		for _, item := range page.Items {
			got = append(got, item.ID)
		}
		if page.NextCursor == "" {
			break
		}
		if pages == 3 {
			t.Fatalf("page 3 has a next_cursor %q; want \"\" on the last page", page.NextCursor)
		}
		cursor = page.NextCursor
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Errorf("%d pages of ids %v,\nwant 3 pages of %v", pages, got, want)
	}

	if page := alice.list(t, ""); len(page.Items) != tasks.DefaultLimit || page.NextCursor == "" {
		t.Errorf("default page: %d items, next_cursor %q; want %d and a cursor", len(page.Items), page.NextCursor, tasks.DefaultLimit)
	}
	if page := alice.list(t, "limit=100"); len(page.Items) != 30 || page.NextCursor != "" {
		t.Errorf("limit=100: %d items, next_cursor %q; want 30 and none", len(page.Items), page.NextCursor)
	}
}

// TestTasksAPIFilterAndSearch filters the list by status and searches
// title and notes, only among the user's own tasks.
func TestTasksAPIFilterAndSearch(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	alice := srv.api(srv.user(t))
	for _, body := range []string{
		`{"title":"Buy milk"}`,
		`{"title":"Walk the dog","notes":"Take milk money","status":"doing"}`,
		`{"title":"File taxes","status":"done"}`,
		`{"title":"Read a book","status":"done"}`,
	} {
		alice.createTask(t, body)
	}
	srv.api(srv.user(t)).createTask(t, `{"title":"Bob's milk"}`)

	tests := []struct {
		name, query string
		want        []string // titles, newest first
	}{
		{"status done", "status=done", []string{"Read a book", "File taxes"}},
		{"status doing", "status=doing", []string{"Walk the dog"}},
		{"search in titles", "q=taxes", []string{"File taxes"}},
		{"search in titles and notes", "q=milk", []string{"Walk the dog", "Buy milk"}},
		{"search and status", "q=milk&status=todo", []string{"Buy milk"}},
		{"no match", "q=zebra", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := alice.list(t, tt.query)
			titles := []string{}
			for _, item := range page.Items {
				titles = append(titles, item.Title)
			}
			if !slices.Equal(titles, tt.want) || page.NextCursor != "" {
				t.Errorf("GET ?%s = %q (next %q), want %q", tt.query, titles, page.NextCursor, tt.want)
			}
		})
	}

	// Everyone's tasks: an admin reads them all; anyone else is refused.
	admin := srv.api(srv.admin(t))
	if page := admin.list(t, "all=true&q=milk"); len(page.Items) != 3 {
		t.Errorf("admin GET ?all=true&q=milk = %d tasks, want 3 (Alice's two and Bob's)", len(page.Items))
	}
	if page := admin.list(t, "q=milk"); len(page.Items) != 0 {
		t.Errorf("admin GET ?q=milk (own tasks) = %d tasks, want 0", len(page.Items))
	}
	if resp, _ := alice.call(t, http.MethodGet, apiTasksPath+"?all=true", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin GET ?all=true = %d, want 403", resp.StatusCode)
	}
}
