package middleware_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

const panicText = "secret panic value 7f3a"

// newRecoverServer wraps a handler that panics on /panic and answers 200
// elsewhere, with the logger and request ID the outer middlewares provide.
func newRecoverServer(log *slog.Logger, panicWith any) http.Handler {
	inner := middleware.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" || r.URL.Path == "/api/boom" {
			panic(panicWith)
		}
		_, _ = w.Write([]byte("ok"))
	}))
	return httpx.UseErrorViews(httpxtest.ErrorViews)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := logging.WithLogger(httpx.WithRequestID(r.Context(), "req-rcv-1"), log)
		inner.ServeHTTP(w, r.WithContext(ctx))
	}))
}

func TestRecover(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, path, accept, wantCT string
	}{
		{"page", "/boom", "text/html", "text/html; charset=utf-8"},
		{"api", "/api/boom", "", "application/problem+json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, buf := logtest.New(slog.LevelDebug)
			h := newRecoverServer(log, panicText)

			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			resp := rec.Result()
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("status = %d, want %d", resp.StatusCode, http.StatusInternalServerError)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantCT)
			}
			body := rec.Body.String()
			for _, leak := range []string{panicText, "panic:", "goroutine", "runtime/debug", ".go:"} {
				if strings.Contains(body, leak) {
					t.Errorf("body contains %q:\n%s", leak, body)
				}
			}
			if !strings.Contains(body, "req-rcv-1") {
				t.Errorf("body does not carry the request ID:\n%s", body)
			}
			if tt.name == "page" {
				if n := mustDoc(t, body).Find(`[data-testid="error-page"]`).Length(); n != 1 {
					t.Errorf("found %d error pages, want 1", n)
				}
			}

			logs := buf.String()
			var errLines []map[string]any
			for _, l := range buf.Lines(t) {
				if l["level"] == "ERROR" {
					errLines = append(errLines, l)
				}
			}
			if len(errLines) != 1 {
				t.Fatalf("got %d error log lines, want 1:\n%s", len(errLines), logs)
			}
			errText, _ := errLines[0]["err"].(string)
			if !strings.Contains(errText, panicText) {
				t.Errorf("error log err does not contain the panic value:\n%s", errText)
			}
			if !strings.Contains(errText, "goroutine ") || !strings.Contains(errText, "recover_test.go") {
				t.Errorf("error log err has no stack trace:\n%s", errText)
			}
			if n := strings.Count(logs, "runtime/debug.Stack"); n != 1 {
				t.Errorf("stack appears %d times in the log, want 1", n)
			}
		})
	}
}

func TestRecoverNextRequestSucceeds(t *testing.T) {
	t.Parallel()
	log, _ := logtest.New(slog.LevelDebug)
	h := newRecoverServer(log, errors.New(panicText))
	for i, tt := range []struct {
		path       string
		wantStatus int
	}{{"/boom", 500}, {"/ok", 200}, {"/boom", 500}, {"/ok", 200}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.wantStatus {
			t.Errorf("request %d (%s): status = %d, want %d", i, tt.path, rec.Code, tt.wantStatus)
		}
		if tt.wantStatus == 200 && rec.Body.String() != "ok" {
			t.Errorf("request %d (%s): body = %q, want %q", i, tt.path, rec.Body.String(), "ok")
		}
	}
}

func TestRecoverRepanicsErrAbortHandler(t *testing.T) {
	t.Parallel()
	for _, v := range []any{http.ErrAbortHandler, errorsWrap(http.ErrAbortHandler)} {
		log, buf := logtest.New(slog.LevelDebug)
		h := newRecoverServer(log, v)
		rec := httptest.NewRecorder()
		var recovered atomic.Value
		func() {
			defer func() {
				if r := recover(); r != nil {
					recovered.Store(r)
				}
			}()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
		}()
		got := recovered.Load()
		if got == nil {
			t.Fatalf("panic(%v) was swallowed, want it re-panicked", v)
		}
		if err, ok := got.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("re-panicked with %v, want http.ErrAbortHandler", got)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want nothing written on abort", rec.Body.String())
		}
		if s := buf.String(); strings.Contains(s, "ERROR") {
			t.Errorf("abort logged at error level:\n%s", s)
		}
	}
}

func errorsWrap(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
