package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// The tasks JSON API through the real router and a real database: every
// status the API can answer, and every answer checked against the OpenAPI
// document it serves (internal/tasks/openapi.json).

// openAPIBase is the base URI the document is compiled under, so that its
// "#/components/…" references resolve.
const openAPIBase = "https://groundwork.test/api/v1/openapi.json"

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPISpec is the served OpenAPI document and a JSON Schema 2020-12
// compiler that holds it as a resource.
type openAPISpec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
}

// loadOpenAPI fetches GET /api/v1/openapi.json from h without a session
// (the document is public) and prepares it for validation.
func loadOpenAPI(t *testing.T, h http.Handler) *openAPISpec {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json = %d %q, want 200 application/json", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc, err := jsonschema.UnmarshalJSON(rec.Body)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	m, ok := doc.(map[string]any)
	if !ok || m["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: want an object with openapi 3.1.0")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // date and date-time are checked, not just annotations
	if err := c.AddResource(openAPIBase, doc); err != nil {
		t.Fatal(err)
	}
	return &openAPISpec{doc: m, compiler: c}
}

// operations returns the document's operations, keyed "GET /api/v1/tasks/{id}".
func (s *openAPISpec) operations() map[string]map[string]any {
	ops := map[string]map[string]any{}
	paths, _ := s.doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range openAPIMethods {
			if op, ok := item[m].(map[string]any); ok {
				ops[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return ops
}

// operation finds the documented operation for a request path (no query),
// matching a template's {param} against any one segment.
func (s *openAPISpec) operation(method, path string) (template string, op map[string]any, ok bool) {
	segs := strings.Split(path, "/")
	for key, op := range s.operations() {
		m, tmpl, _ := strings.Cut(key, " ")
		if m != method {
			continue
		}
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i, ts := range tsegs {
			param := strings.HasPrefix(ts, "{") && strings.HasSuffix(ts, "}")
			if ts != segs[i] && !(param && segs[i] != "") {
				match = false
				break
			}
		}
		if match {
			return tmpl, op, true
		}
	}
	return "", nil, false
}

// resolve follows a local "#/…" reference; it returns the object and its
// JSON pointer.
func (s *openAPISpec) resolve(t *testing.T, obj map[string]any, pointer string) (map[string]any, string) {
	t.Helper()
	ref, ok := obj["$ref"].(string)
	if !ok {
		return obj, pointer
	}
	pointer = strings.TrimPrefix(ref, "#")
	var v any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, _ := v.(map[string]any)
		v = m[tok]
	}
	resolved, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("openapi.json: %s does not resolve", ref)
	}
	return resolved, pointer
}

// schema compiles the schema at pointer in the document.
func (s *openAPISpec) schema(t *testing.T, pointer string) *jsonschema.Schema {
	t.Helper()
	sch, err := s.compiler.Compile(openAPIBase + "#" + pointer)
	if err != nil {
		t.Fatalf("openapi.json: compile %s: %v", pointer, err)
	}
	return sch
}

// pointerToken escapes one JSON pointer token.
func pointerToken(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// check fails t unless the response is documented: the operation exists,
// lists the status, the documented headers are there and match their
// schemas, the media type is declared, and the body validates against its
// schema (or is empty when the response has no content).
func (s *openAPISpec) check(t *testing.T, method, target string, resp *http.Response, body []byte) {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	tmpl, op, ok := s.operation(method, path)
	if !ok {
		t.Errorf("%s %s: no such operation in the OpenAPI document", method, path)
		return
	}
	status := strconv.Itoa(resp.StatusCode)
	responses, _ := op["responses"].(map[string]any)
	res, ok := responses[status].(map[string]any)
	if !ok {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not list for %s %s:\n%s", method, path, resp.StatusCode, method, tmpl, body)
		return
	}
	res, pointer := s.resolve(t, res, "/paths/"+pointerToken(tmpl)+"/"+strings.ToLower(method)+"/responses/"+status)

	headers, _ := res["headers"].(map[string]any)
	for name, h := range headers {
		h, hp := s.resolve(t, h.(map[string]any), pointer+"/headers/"+pointerToken(name))
		value := resp.Header.Get(name)
		if value == "" {
			if h["required"] == true {
				t.Errorf("%s %s %d: header %s is documented as required but missing", method, path, resp.StatusCode, name)
			}
			continue
		}
		if err := s.schema(t, hp+"/schema").Validate(value); err != nil {
			t.Errorf("%s %s %d: header %s: %v", method, path, resp.StatusCode, name, err)
		}
	}

	content, _ := res["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) != 0 {
			t.Errorf("%s %s %d: documented without a body, got %q", method, path, resp.StatusCode, body)
		}
		return
	}
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if _, ok := content[mediaType]; !ok {
		t.Errorf("%s %s %d: Content-Type %q is not documented", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
		return
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s %s %d: body is not JSON: %v\n%s", method, path, resp.StatusCode, err, body)
		return
	}
	sch := s.schema(t, pointer+"/content/"+pointerToken(mediaType)+"/schema")
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s %d: body does not match the OpenAPI document: %v\n%s", method, path, resp.StatusCode, err, body)
	}
}

// apiClient calls the API as one browser session (or none) and checks
// every answer against the OpenAPI document.
type apiClient struct {
	*browser
	spec *openAPISpec
}

// call sends a request with optional body and header pairs, checks the
// answer against the document, and returns it.
func (c *apiClient) call(t *testing.T, method, target string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, c.base+target, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	c.spec.check(t, method, target, resp, out)
	return resp, out
}

// send calls with a JSON body.
func (c *apiClient) send(t *testing.T, method, target, body string) (*http.Response, []byte) {
	t.Helper()
	return c.call(t, method, target, strings.NewReader(body), "Content-Type", "application/json")
}

// createTask posts body and returns the created task.
func (c *apiClient) createTask(t *testing.T, body string) tasks.Task {
	t.Helper()
	resp, out := c.send(t, http.MethodPost, "/api/v1/tasks", body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/tasks %s = %d, want 201:\n%s", body, resp.StatusCode, out)
	}
	return decodeAPI[tasks.Task](t, out)
}

// list gets one page of the list.
func (c *apiClient) list(t *testing.T, query string) tasks.Page {
	t.Helper()
	resp, out := c.call(t, http.MethodGet, "/api/v1/tasks?"+query, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/tasks?%s = %d, want 200:\n%s", query, resp.StatusCode, out)
	}
	return decodeAPI[tasks.Page](t, out)
}

func decodeAPI[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, body)
	}
	return v
}

// apiServer is the real router on a fresh database, with its OpenAPI document.
type apiServer struct {
	url  string
	st   *testStack
	spec *openAPISpec
}

func newAPIServer(t *testing.T) *apiServer {
	t.Helper()
	srv, st := accountServer(t, nil, nil, nil)
	return &apiServer{url: srv.URL, st: st, spec: loadOpenAPI(t, st.mux)}
}

// anonymous returns a client without a session.
func (s *apiServer) anonymous(t *testing.T) *apiClient {
	return &apiClient{browser: newBrowserClient(t, s.url), spec: s.spec}
}

// user signs up a new user and returns their client.
func (s *apiServer) user(t *testing.T, email string) *apiClient {
	t.Helper()
	c := s.anonymous(t)
	c.signup(email, alicePassword)
	return c
}

// admin creates an administrator, signs in, and returns their client.
func (s *apiServer) admin(t *testing.T, email string) *apiClient {
	t.Helper()
	mustCreateUser(t, s.st, email, account.RoleAdmin)
	c := s.anonymous(t)
	if resp := c.login(email, alicePassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin login = %d, want 303", resp.StatusCode)
	}
	return c
}

// TestOpenAPIRouteCoverage fails when a route under /api/v1/ is missing
// from the OpenAPI document, or the document lists an operation the router
// does not have. chi's {id} is OpenAPI's {id}; a subrouter's "/" is the
// mount path itself.
func TestOpenAPIRouteCoverage(t *testing.T) {
	t.Parallel()
	st := newTestStack(t, testConfig(t), io.Discard, nil)
	spec := loadOpenAPI(t, st.mux)

	routes := map[string]bool{}
	err := chi.Walk(st.mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(pattern, "/api/v1/") {
			routes[method+" "+strings.TrimSuffix(pattern, "/")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) == 0 {
		t.Fatal("no routes under /api/v1/")
	}
	ops := spec.operations()
	for route := range routes {
		if _, ok := ops[route]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", route)
		}
	}
	for op := range ops {
		if !routes[op] {
			t.Errorf("the OpenAPI document lists %s, which the router does not serve", op)
		}
	}
}

// TestOpenAPIDocument checks the document's own consistency: every
// reference resolves and every schema compiles, errors are problem+json,
// and every tasks operation documents 401 and the cookie security.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t, newTestStack(t, testConfig(t), io.Discard, nil).mux)

	for _, name := range []string{"Task", "TaskInput", "TaskPatch", "TaskPage", "Problem"} {
		spec.schema(t, "/components/schemas/"+name)
	}
	schemes, _ := spec.doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	for name, cookie := range map[string]string{"sessionCookie": "__Host-session", "devSessionCookie": "session"} {
		s, _ := schemes[name].(map[string]any)
		if s["type"] != "apiKey" || s["in"] != "cookie" || s["name"] != cookie {
			t.Errorf("securitySchemes.%s = %v, want an apiKey cookie %s", name, s, cookie)
		}
	}

	for key, op := range spec.operations() {
		method, tmpl, _ := strings.Cut(key, " ")
		base := "/paths/" + pointerToken(tmpl) + "/" + strings.ToLower(method)
		if body, ok := op["requestBody"].(map[string]any); ok {
			spec.schema(t, base+"/requestBody/content/application~1json/schema")
			if body["required"] != true {
				t.Errorf("%s: requestBody should be required", key)
			}
		}
		responses, _ := op["responses"].(map[string]any)
		for status, res := range responses {
			res, pointer := spec.resolve(t, res.(map[string]any), base+"/responses/"+status)
			content, _ := res["content"].(map[string]any)
			for mediaType := range content {
				spec.schema(t, pointer+"/content/"+pointerToken(mediaType)+"/schema")
			}
			if status >= "400" {
				if _, ok := content["application/problem+json"]; !ok || len(content) != 1 {
					t.Errorf("%s %s: want application/problem+json only", key, status)
				}
			}
		}
		if strings.HasPrefix(tmpl, "/api/v1/tasks") {
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
	api := newAPIServer(t)
	alice := api.user(t, "alice@example.com")

	if page := alice.list(t, ""); len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("empty list = %+v, want no items and no cursor", page)
	}

	resp, body := alice.send(t, http.MethodPost, "/api/v1/tasks", `{"title":"  Buy milk  ","notes":"Two litres","due_date":"2026-05-01"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d, want 201:\n%s", resp.StatusCode, body)
	}
	created := decodeAPI[tasks.Task](t, body)
	if created.Title != "Buy milk" || created.Notes != "Two litres" || created.Status != tasks.StatusTodo ||
		created.Version != 1 || created.DueDate == nil || created.DueDate.String() != "2026-05-01" {
		t.Errorf("created = %+v, want the trimmed title, the notes, todo, version 1, due 2026-05-01", created)
	}
	self := fmt.Sprintf("/api/v1/tasks/%d", created.ID)
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
	api := newAPIServer(t)
	alice := api.user(t, "alice@example.com")
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
	api := newAPIServer(t)
	alice := api.user(t, "alice@example.com")
	for _, body := range []string{
		`{"title":"Buy milk"}`,
		`{"title":"Walk the dog","notes":"Take milk money","status":"doing"}`,
		`{"title":"File taxes","status":"done"}`,
		`{"title":"Read a book","status":"done"}`,
	} {
		alice.createTask(t, body)
	}
	api.user(t, "bob@example.com").createTask(t, `{"title":"Bob's milk"}`)

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
	admin := api.admin(t, "admin@example.com")
	if page := admin.list(t, "all=true&q=milk"); len(page.Items) != 3 {
		t.Errorf("admin GET ?all=true&q=milk = %d tasks, want 3 (Alice's two and Bob's)", len(page.Items))
	}
	if page := admin.list(t, "q=milk"); len(page.Items) != 0 {
		t.Errorf("admin GET ?q=milk (own tasks) = %d tasks, want 0", len(page.Items))
	}
	if resp, _ := alice.call(t, http.MethodGet, "/api/v1/tasks?all=true", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-admin GET ?all=true = %d, want 403", resp.StatusCode)
	}
}

// TestTasksAPIErrors sends every kind of bad request and checks the status
// and the problem document (T27: never a 5xx). Nothing it sends may change
// the task.
func TestTasksAPIErrors(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	alice := api.user(t, "alice@example.com")
	bob := api.user(t, "bob@example.com")
	admin := api.admin(t, "admin@example.com")
	anonymous := api.anonymous(t)

	task := alice.createTask(t, `{"title":"Alice's task"}`)
	self := fmt.Sprintf("/api/v1/tasks/%d", task.ID)
	if resp, body := alice.send(t, http.MethodPatch, self, `{"version":1,"notes":"Second version"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH = %d, want 200:\n%s", resp.StatusCode, body)
	}
	const (
		list     = "/api/v1/tasks"
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
		{name: "missing task", as: alice, method: "GET", path: "/api/v1/tasks/999999999", want: 404},
		{name: "id not a number", as: alice, method: "GET", path: "/api/v1/tasks/abc", want: 404},
		{name: "id zero", as: alice, method: "DELETE", path: "/api/v1/tasks/0", want: 404},

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
