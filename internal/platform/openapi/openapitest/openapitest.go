// Package openapitest checks HTTP answers against an assembled OpenAPI 3.1
// document, for the API tests of every feature and for internal/app's
// route coverage test:
//
//	spec := openapitest.Fetch(t, handler) // GET /api/v1/openapi.json
//	resp, body := ...                     // any request to the API
//	spec.Check(t, method, target, resp, body)
//
// Schemas are compiled as JSON Schema 2020-12, with formats asserted.
package openapitest

import (
	"bytes"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DocumentPath is where the API serves its document.
const DocumentPath = "/api/v1/openapi.json"

// baseURI is the URI the document is compiled under, so that its
// "#/components/…" references resolve.
const baseURI = "https://groundwork.test" + DocumentPath

// methods are the operation keys of an OpenAPI path item.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Spec is an OpenAPI document and a JSON Schema compiler that holds it as
// a resource.
type Spec struct {
	// Doc is the decoded document.
	Doc      map[string]any
	compiler *jsonschema.Compiler
}

// Fetch gets GET /api/v1/openapi.json from h without a session (the
// document is public), checks that it is served as JSON, and Loads it.
func Fetch(t testing.TB, h http.Handler) *Spec {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, DocumentPath, nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s = %d %q, want 200 application/json", DocumentPath, rec.Code, rec.Header().Get("Content-Type"))
	}
	return Load(t, rec.Body.Bytes())
}

// Load prepares doc, an OpenAPI 3.1.0 document, for validation.
func Load(t testing.TB, doc []byte) *Spec {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok || m["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: want an object with openapi 3.1.0")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // date and date-time are checked, not just annotations
	if err := c.AddResource(baseURI, v); err != nil {
		t.Fatal(err)
	}
	return &Spec{Doc: m, compiler: c}
}

// Operations returns the document's operations, keyed "GET /api/v1/tasks/{id}".
func (s *Spec) Operations() map[string]map[string]any {
	ops := map[string]map[string]any{}
	paths, _ := s.Doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range methods {
			if op, ok := item[m].(map[string]any); ok {
				ops[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return ops
}

// Operation finds the documented operation for a request path (no query),
// matching a template's {param} against any one segment.
func (s *Spec) Operation(method, path string) (template string, op map[string]any, ok bool) {
	segs := strings.Split(path, "/")
	for key, op := range s.Operations() {
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

// Resolve follows a local "#/…" reference in obj, found at pointer; it
// returns the object and its JSON pointer (obj and pointer unchanged when
// obj is not a reference).
func (s *Spec) Resolve(t testing.TB, obj map[string]any, pointer string) (map[string]any, string) {
	t.Helper()
	ref, ok := obj["$ref"].(string)
	if !ok {
		return obj, pointer
	}
	pointer = strings.TrimPrefix(ref, "#")
	var v any = s.Doc
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

// Schema compiles the schema at pointer in the document; one that does not
// compile fails t.
func (s *Spec) Schema(t testing.TB, pointer string) *jsonschema.Schema {
	t.Helper()
	sch, err := s.compiler.Compile(baseURI + "#" + pointer)
	if err != nil {
		t.Fatalf("openapi.json: compile %s: %v", pointer, err)
	}
	return sch
}

// PointerToken escapes one JSON pointer token.
func PointerToken(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// Check fails t unless the response is documented: the operation exists,
// lists the status, the documented headers are there and match their
// schemas, the media type is declared, and the body validates against its
// schema (or is empty when the response has no content).
func (s *Spec) Check(t testing.TB, method, target string, resp *http.Response, body []byte) {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	tmpl, op, ok := s.Operation(method, path)
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
	res, pointer := s.Resolve(t, res, "/paths/"+PointerToken(tmpl)+"/"+strings.ToLower(method)+"/responses/"+status)
	s.checkHeaders(t, method+" "+path+" "+status, res, pointer, resp.Header)

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
	sch := s.Schema(t, pointer+"/content/"+PointerToken(mediaType)+"/schema")
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s %d: body does not match the OpenAPI document: %v\n%s", method, path, resp.StatusCode, err, body)
	}
}

// checkHeaders checks the documented headers of the response res (at
// pointer): required ones are present, and each present one matches its
// schema. what names the answer in errors ("GET /api/v1/tasks 200").
func (s *Spec) checkHeaders(t testing.TB, what string, res map[string]any, pointer string, got http.Header) {
	t.Helper()
	headers, _ := res["headers"].(map[string]any)
	for name, h := range headers {
		h, hp := s.Resolve(t, h.(map[string]any), pointer+"/headers/"+PointerToken(name))
		value := got.Get(name)
		if value == "" {
			if h["required"] == true {
				t.Errorf("%s: header %s is documented as required but missing", what, name)
			}
			continue
		}
		if err := s.Schema(t, hp+"/schema").Validate(value); err != nil {
			t.Errorf("%s: header %s: %v", what, name, err)
		}
	}
}
