package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
)

// TestPanicContainment is T28: a panicking handler gives a generic 500
// with the request ID, the stack is logged once, and the server goes on.
func TestPanicContainment(t *testing.T) {
	var logs logtest.Buffer
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), &logs))
	defer srv.Close()
	baseline := runtime.NumGoroutine()

	for _, accept := range []string{"text/html", "application/json"} {
		resp, body := get(t, srv.URL+"/test/panic", "Accept", accept, "X-Request-ID", "panic-"+accept[:4])
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("panic (%s) = %d, want 500", accept, resp.StatusCode)
		}
		if strings.Contains(body, "secret panic detail") || strings.Contains(body, "goroutine") {
			t.Errorf("500 body leaks the panic:\n%s", body)
		}
		if !strings.Contains(body, "panic-"+accept[:4]) {
			t.Errorf("500 body (%s) lacks the request ID:\n%s", accept, body)
		}
	}
	failures := logs.WithMsg(t, "request failed")
	if len(failures) != 2 {
		t.Fatalf("got %d 'request failed' log lines, want one per panic:\n%s", len(failures), logs.String())
	}
	if cause, _ := failures[0]["err"].(string); !strings.Contains(cause, "secret panic detail") || !strings.Contains(cause, "goroutine") {
		t.Errorf("log line lacks the panic and its stack: %q", cause)
	}
	if resp, _ := get(t, srv.URL+"/health"); resp.StatusCode != http.StatusOK {
		t.Errorf("after a panic, /health = %d", resp.StatusCode)
	}
	srv.CloseClientConnections()
	time.Sleep(100 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > baseline+5 {
		t.Errorf("goroutines = %d, baseline %d: a panic leaked goroutines", n, baseline)
	}
}

// TestBodyLimits is T24 through the real middleware: an endless chunked
// body is cut at the limit with 413, quickly, without being read.
func TestBodyLimits(t *testing.T) {
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer srv.Close()

	for _, tt := range []struct{ path, contentType, wantType string }{
		{"/api/test/json", "application/json", "application/problem+json"},
		{"/test/form", "application/x-www-form-urlencoded", "text/html; charset=utf-8"},
	} {
		body := &countingReader{limit: 2 << 30} // 2 GiB, streamed (chunked)
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+tt.path, body)
		req.Header.Set("Content-Type", tt.contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s with a 2 GiB body: %v", tt.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != tt.wantType {
			t.Errorf("POST %s 2 GiB = %d %q, want 413 %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.wantType)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("POST %s 2 GiB took %v, want < 2s", tt.path, d)
		}
		// The client may have pushed some more into socket buffers, but
		// nowhere near the whole body.
		if n := body.read; n > 64<<20 {
			t.Errorf("POST %s: client sent %d MiB before the server gave up", tt.path, n>>20)
		}
	}

	resp, body := do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":"ok"}`), "Content-Type", "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("small JSON body = %d %s, want 201", resp.StatusCode, body)
	}
	resp, body = do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":""}`), "Content-Type", "application/json")
	var p httpx.Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != 422 || p.Errors["title"] == "" {
		t.Errorf("invalid JSON body = %d %s, want 422 with errors.title", resp.StatusCode, body)
	}
	resp, _ = do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":"ok"}`), "Content-Type", "text/plain")
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain to a JSON route = %d, want 415", resp.StatusCode)
	}
}

// countingReader streams limit bytes of a valid-looking body, a field
// value that never ends, and counts how many were read.
type countingReader struct{ read, limit int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.read >= c.limit {
		return 0, io.EOF
	}
	n := min(int64(len(p)), c.limit-c.read)
	for i := range p[:n] {
		p[i] = 'a'
	}
	if c.read == 0 && n >= 10 {
		copy(p, `{"title":"`) // JSON stays valid until the limit cuts it
	}
	c.read += n
	return int(n), nil
}

// TestSecurityHeadersOnErrorResponses completes T1 with the response
// classes the end-to-end test cannot provoke: 413, 415, 429, 500 and 405,
// as pages and as problem+json.
func TestSecurityHeadersOnErrorResponses(t *testing.T) {
	cfg := testConfig(t)
	cfg.AuthRateLimit = 1
	srv := httptest.NewServer(newTestRouter(t, cfg, io.Discard))
	defer srv.Close()
	big := strings.Repeat("a", httpx.MaxBodyBytes+1)
	tests := []struct {
		name         string
		method, path string
		body, ctype  string
		want         int
	}{
		{"413 problem", "POST", "/api/test/json", `{"title":"` + big + `"}`, "application/json", 413},
		{"413 page", "POST", "/test/form", "title=" + big, "application/x-www-form-urlencoded", 413},
		{"415", "POST", "/api/test/json", "{}", "text/plain", 415},
		{"500 page", "GET", "/test/panic", "", "", 500},
		{"405", "DELETE", "/health", "", "", 405},
		{"429 first", "GET", "/login", "", "", 200},
		{"429", "GET", "/login", "", "", 429},
	}
	for _, tt := range tests {
		resp, _ := do(t, tt.method, srv.URL+tt.path, strings.NewReader(tt.body), "Content-Type", tt.ctype)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-ID") == "" {
			t.Errorf("%s: security headers missing: %v", tt.name, h)
		}
		if ct := h.Get("Content-Type"); tt.want >= 400 && !strings.Contains(ct, "charset=utf-8") && ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tt.name, ct)
		}
	}
}
