package openapitest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
)

const doc = `{"openapi":"3.1.0","paths":{"/api/v1/things/{id}":{"get":{"responses":{
"200":{"headers":{"ETag":{"required":true,"schema":{"type":"string","pattern":"^\"[0-9]+\"$"}}},
       "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}},
"204":{"description":"no body"}}}}},
"components":{"schemas":{"Thing":{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"due":{"type":"string","format":"date"}}}}}}`

// recorder is a testing.TB that keeps the errors Check reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestCheck checks that Check passes a documented answer and reports each
// way an answer can stray from the document.
func TestCheck(t *testing.T) {
	t.Parallel()
	spec := openapitest.Load(t, []byte(doc))
	if n := len(spec.Operations()); n != 1 {
		t.Fatalf("Operations() = %d, want 1", n)
	}
	ok := http.Header{"Content-Type": {"application/json"}, "Etag": {`"3"`}}
	tests := []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 string
		wantErr              bool
	}{
		{"documented", "GET", "/api/v1/things/7?x=1", 200, ok, `{"id":7,"due":"2026-05-01"}`, false},
		{"documented without a body", "GET", "/api/v1/things/7", 204, http.Header{}, ``, false},
		{"no such operation", "POST", "/api/v1/things/7", 200, ok, `{"id":7}`, true},
		{"no such path", "GET", "/api/v1/things", 200, ok, `{"id":7}`, true},
		{"undocumented status", "GET", "/api/v1/things/7", 404, ok, `{"id":7}`, true},
		{"required header missing", "GET", "/api/v1/things/7", 200, http.Header{"Content-Type": {"application/json"}}, `{"id":7}`, true},
		{"header against its schema", "GET", "/api/v1/things/7", 200, http.Header{"Content-Type": {"application/json"}, "Etag": {"W/x"}}, `{"id":7}`, true},
		{"undocumented media type", "GET", "/api/v1/things/7", 200, http.Header{"Content-Type": {"text/plain"}, "Etag": {`"3"`}}, `{"id":7}`, true},
		{"body against its schema", "GET", "/api/v1/things/7", 200, ok, `{"id":"seven"}`, true},
		{"format asserted", "GET", "/api/v1/things/7", 200, ok, `{"id":7,"due":"01/05/2026"}`, true},
		{"body not JSON", "GET", "/api/v1/things/7", 200, ok, `{"id":`, true},
		{"a body where none is documented", "GET", "/api/v1/things/7", 204, http.Header{}, `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			spec.Check(rec, tt.method, tt.target, &http.Response{StatusCode: tt.status, Header: tt.header}, []byte(tt.body))
			if (len(rec.errs) != 0) != tt.wantErr {
				t.Errorf("Check reported %q, want an error: %t", rec.errs, tt.wantErr)
			}
		})
	}
}
