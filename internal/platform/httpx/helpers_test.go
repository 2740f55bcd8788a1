package httpx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestLogger returns a debug-level JSON logger and the buffer it writes to.
func newTestLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// logLines decodes every JSON log line in s.
func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// linesAtLevel returns the log lines at the given level ("ERROR", "DEBUG", …).
func linesAtLevel(t *testing.T, s, level string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range logLines(t, s) {
		if l["level"] == level {
			out = append(out, l)
		}
	}
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
