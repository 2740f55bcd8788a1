package openapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi"
)

const base = `{"openapi":"3.1.0","tags":[{"name":"meta"}],"paths":{"/api/v1/openapi.json":{}},
"components":{"schemas":{"Problem":{"type":"object"}}}}`

func TestAssembleMergesParts(t *testing.T) {
	t.Parallel()
	a := `{"tags":[{"name":"tasks"}],"paths":{"/api/v1/tasks":{"get":{}}},"components":{"schemas":{"Task":{"type":"object"},"Problem":{"type":"object"}},"parameters":{"TaskID":{}}}}`
	b := `{"tags":[{"name":"notes"}],"paths":{"/api/v1/notes":{"get":{}}},"components":{"schemas":{"Note":{"type":"object"}}}}`
	doc, err := openapi.Assemble([]byte(base), []byte(a), []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"openapi": "3.1.0",
		"tags":    []any{map[string]any{"name": "meta"}, map[string]any{"name": "tasks"}, map[string]any{"name": "notes"}},
		"paths": map[string]any{
			"/api/v1/openapi.json": map[string]any{},
			"/api/v1/tasks":        map[string]any{"get": map[string]any{}},
			"/api/v1/notes":        map[string]any{"get": map[string]any{}},
		},
		"components": map[string]any{
			"schemas": map[string]any{
				"Problem": map[string]any{"type": "object"}, // the same twice is fine
				"Task":    map[string]any{"type": "object"},
				"Note":    map[string]any{"type": "object"},
			},
			"parameters": map[string]any{"TaskID": map[string]any{}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
}

func TestAssembleRefusesConflicts(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"a path twice":              `{"paths":{"/api/v1/openapi.json":{"get":{}}}}`,
		"a schema twice, different": `{"components":{"schemas":{"Problem":{"type":"string"}}}}`,
		"an unknown member":         `{"info":{"title":"mine"}}`,
		"not JSON":                  `{`,
		"tags not an array":         `{"tags":{}}`,
	}
	for name, part := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := openapi.Assemble([]byte(base), []byte(part)); err == nil {
				t.Errorf("Assemble(%s) = nil error", part)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	openapi.Handler([]byte(`{"openapi":"3.1.0"}`))(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || !strings.Contains(rec.Body.String(), "3.1.0") {
		t.Errorf("got %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}
