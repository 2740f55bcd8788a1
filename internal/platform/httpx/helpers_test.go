package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// withTestViews returns r with httpxtest.ErrorViews installed, as
// UseErrorViews does.
func withTestViews(r *http.Request) *http.Request {
	var out *http.Request
	httpx.UseErrorViews(httpxtest.ErrorViews)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { out = r })).
		ServeHTTP(httptest.NewRecorder(), r)
	return out
}

// mustDoc parses an HTML body.
func mustDoc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// problem is the decoded problem+json body, with a raw view to check which
// members are present.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance"`
	RequestID string            `json:"request_id"`
	Errors    map[string]string `json:"errors"`
	raw       map[string]json.RawMessage
}

func mustProblem(t *testing.T, resp *http.Response, body string) problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want %q; body:\n%s", ct, "application/problem+json", body)
	}
	var p problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	if err := json.Unmarshal([]byte(body), &p.raw); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	return p
}

// spyWriter counts WriteHeader and Write calls, which httptest.ResponseRecorder
// does not expose (its Code is 200 whether or not WriteHeader was called).
type spyWriter struct {
	*httptest.ResponseRecorder
	writeHeaderCalls int
	writeCalls       int
}

func newSpyWriter() *spyWriter { return &spyWriter{ResponseRecorder: httptest.NewRecorder()} }

func (s *spyWriter) WriteHeader(code int) {
	s.writeHeaderCalls++
	s.ResponseRecorder.WriteHeader(code)
}

func (s *spyWriter) Write(p []byte) (int, error) {
	s.writeCalls++
	return s.ResponseRecorder.Write(p)
}
