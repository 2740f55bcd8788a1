package middleware_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// newAccessLogRouter mounts the first three middlewares of the real chain
// in front of a parameterised route and the probes.
func newAccessLogRouter(log *slog.Logger) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.ClientIP(nil), middleware.AccessLog(log))
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		logging.FromContext(r.Context()).InfoContext(r.Context(), "inside handler", "id", chi.URLParam(r, "id"))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "hello, item")
	})
	r.Get("/silent", func(w http.ResponseWriter, r *http.Request) {})
	r.Get("/health", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	r.Get("/ready", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	return r
}

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	log, buf := logtest.New(slog.LevelDebug)
	h := newAccessLogRouter(log)

	req := httptest.NewRequest(http.MethodGet, "/items/42", nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("X-Request-ID", "trace-abc")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	lines := buf.WithMsg(t, "http request")
	if len(lines) != 1 {
		t.Fatalf("got %d access log lines, want 1:\n%s", len(lines), buf.String())
	}
	l := lines[0]
	want := map[string]any{
		"level":      "INFO",
		"method":     "GET",
		"route":      "/items/{id}",
		"status":     float64(http.StatusCreated),
		"bytes":      float64(len("hello, item")),
		"client_ip":  "203.0.113.7",
		"request_id": "trace-abc",
	}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("access log %s = %#v, want %#v", k, l[k], v)
		}
	}
	if d, ok := l["duration"].(float64); !ok || d < 0 {
		t.Errorf("access log duration = %#v, want a non-negative number of nanoseconds", l["duration"])
	}
	if l["route"] == "/items/42" {
		t.Errorf("access log route is the raw path, want the pattern")
	}

	inside := buf.WithMsg(t, "inside handler")
	if len(inside) != 1 {
		t.Fatalf("got %d handler log lines, want 1:\n%s", len(inside), buf.String())
	}
	if got := inside[0]["request_id"]; got != "trace-abc" {
		t.Errorf("handler log request_id = %#v, want %q", got, "trace-abc")
	}
	if got := inside[0]["id"]; got != "42" {
		t.Errorf("handler log id = %#v, want %q", got, "42")
	}
}

func TestAccessLogOneLinePerRequest(t *testing.T) {
	t.Parallel()
	log, buf := logtest.New(slog.LevelDebug)
	h := newAccessLogRouter(log)
	ids := map[string]bool{}
	for range 5 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/items/1", nil))
		ids[rec.Result().Header.Get("X-Request-ID")] = true
	}
	lines := buf.WithMsg(t, "http request")
	if len(lines) != 5 {
		t.Fatalf("got %d access log lines for 5 requests, want 5", len(lines))
	}
	for _, l := range lines {
		id, _ := l["request_id"].(string)
		if !ids[id] {
			t.Errorf("access log request_id %q is not one of the echoed IDs %v", id, ids)
		}
	}
}

func TestAccessLogDefaults(t *testing.T) {
	t.Parallel()
	log, buf := logtest.New(slog.LevelDebug)
	h := newAccessLogRouter(log)

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/silent", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/nowhere/7", nil))

	lines := buf.WithMsg(t, "http request")
	if len(lines) != 2 {
		t.Fatalf("got %d access log lines, want 2:\n%s", len(lines), buf.String())
	}
	if got := lines[0]["status"]; got != float64(200) {
		t.Errorf("status for a handler that wrote nothing = %v, want 200", got)
	}
	if got := lines[0]["bytes"]; got != float64(0) {
		t.Errorf("bytes for a handler that wrote nothing = %v, want 0", got)
	}
	if got := lines[1]["status"]; got != float64(404) {
		t.Errorf("status for an unknown route = %v, want 404", got)
	}
	if got := lines[1]["route"]; got == "/nowhere/7" {
		t.Errorf("route for an unknown route = %q, want the raw path kept out of the log", got)
	}
}

func TestAccessLogProbesAtDebug(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/health", "/ready"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			debugLog, debugBuf := logtest.New(slog.LevelDebug)
			newAccessLogRouter(debugLog).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
			lines := debugBuf.WithMsg(t, "http request")
			if len(lines) != 1 {
				t.Fatalf("got %d access log lines, want 1:\n%s", len(lines), debugBuf.String())
			}
			if got := lines[0]["level"]; got != "DEBUG" {
				t.Errorf("%s logged at %v, want DEBUG", path, got)
			}

			infoLog, infoBuf := logtest.New(slog.LevelInfo)
			newAccessLogRouter(infoLog).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
			if s := infoBuf.String(); s != "" {
				t.Errorf("%s logged at info level:\n%s", path, s)
			}
		})
	}
}
