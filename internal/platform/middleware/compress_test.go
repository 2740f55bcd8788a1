package middleware_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// TestCompress: large HTML and JSON are gzipped for a client that accepts
// it; small answers, other types, clients without gzip and event streams
// are not, and an event stream's headers are not held back.
func TestCompress(t *testing.T) {
	t.Parallel()
	compress, err := middleware.Compress()
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("<li>a task row</li>", 200)
	tests := []struct {
		name, contentType, body, accept, acceptEncoding string
		wantGzip                                        bool
	}{
		{"large page", "text/html; charset=utf-8", big, "", "gzip", true},
		{"large JSON", "application/json", big, "", "gzip", true},
		{"small page", "text/html; charset=utf-8", "<p>hi</p>", "", "gzip", false},
		{"no gzip asked", "text/html; charset=utf-8", big, "", "", false},
		{"stylesheet", "text/css", big, "", "gzip", false},
		{"event stream", "text/event-stream", big, "text/event-stream", "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				io.WriteString(w, tt.body)
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept", tt.accept)
			req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			gzipped := rec.Header().Get("Content-Encoding") == "gzip"
			if gzipped != tt.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip %v", rec.Header().Get("Content-Encoding"), tt.wantGzip)
			}
			body := rec.Body.String()
			if gzipped {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
				if rec.Body.Len() > len(tt.body)/4 {
					t.Errorf("%d bytes compressed to %d", len(tt.body), rec.Body.Len())
				}
			}
			if body != tt.body {
				t.Errorf("body changed: %.80q", body)
			}
		})
	}

	// A stream that flushes its headers before any event gets them at once.
	h := compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !rec.Flushed || rec.Code != http.StatusOK {
		t.Errorf("event stream: flushed %v, code %d; want the headers flushed", rec.Flushed, rec.Code)
	}
}
