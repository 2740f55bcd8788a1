package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
)

func TestErrorUnavailableIs503(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("task service: list: %w", apperr.Wrap(errors.New("dial tcp 10.0.0.5:5432: connection refused"), apperr.Unavailable, ""))
	for _, rd := range renderings {
		t.Run(rd.name, func(t *testing.T) {
			t.Parallel()
			resp, body, _ := serveError(t, rd, err)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status = %d, want %d", resp.StatusCode, http.StatusServiceUnavailable)
			}
			if strings.Contains(body, "10.0.0.5") {
				t.Errorf("body leaks the cause:\n%s", body)
			}
			if !strings.Contains(body, apperr.GenericMessage(apperr.Unavailable)) {
				t.Errorf("body does not carry %q:\n%s", apperr.GenericMessage(apperr.Unavailable), body)
			}
		})
	}
}

func TestErrorRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  apperr.Kind
		after time.Duration
		want  string
	}{
		{apperr.TooManyRequests, 0, ""},
		{apperr.TooManyRequests, -time.Second, ""},
		{apperr.TooManyRequests, time.Second, "1"},
		{apperr.TooManyRequests, 1500 * time.Millisecond, "2"},
		{apperr.TooManyRequests, 100 * time.Millisecond, "1"},
		{apperr.Unavailable, 30 * time.Second, "30"},
		{apperr.Unavailable, 30*time.Second + time.Nanosecond, "31"},
	}
	for _, tt := range tests {
		for _, rd := range renderings {
			t.Run(fmt.Sprintf("%v/%v/%s", tt.kind, tt.after, rd.name), func(t *testing.T) {
				t.Parallel()
				err := fmt.Errorf("limiter: %w", &apperr.Error{Kind: tt.kind, RetryAfter: tt.after})
				resp, _, _ := serveError(t, rd, err)
				if got := resp.Header.Get("Retry-After"); got != tt.want {
					t.Errorf("Retry-After = %q, want %q", got, tt.want)
				}
				if resp.StatusCode != tt.kind.Status() {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.kind.Status())
				}
			})
		}
	}
}

func TestErrorCancelledRequestWritesNothing(t *testing.T) {
	t.Parallel()
	for _, rd := range renderings {
		for _, err := range []error{errors.New("secret"), apperr.New(apperr.NotFound, "")} {
			t.Run(rd.name+"/"+apperr.KindOf(err).String(), func(t *testing.T) {
				t.Parallel()
				log, logBuf := logtest.New(slog.LevelDebug)
				req := httptest.NewRequest(http.MethodGet, rd.path, nil)
				for k, vs := range rd.header {
					req.Header[k] = vs
				}
				ctx, cancel := context.WithCancel(logging.WithLogger(req.Context(), log))
				cancel()
				w := newSpyWriter()
				httpx.Error(w, req.WithContext(ctx), err)

				if w.writeHeaderCalls != 0 || w.writeCalls != 0 {
					t.Errorf("WriteHeader called %d times, Write %d times; want 0 and 0", w.writeHeaderCalls, w.writeCalls)
				}
				resp := w.Result()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("recorder status = %d, want the untouched default %d", resp.StatusCode, http.StatusOK)
				}
				if w.Body.Len() != 0 {
					t.Errorf("body = %q, want empty", w.Body.String())
				}
				if len(resp.Header) != 0 {
					t.Errorf("headers = %v, want none", resp.Header)
				}
				if lines := logBuf.WithLevel(t, "ERROR"); len(lines) != 0 {
					t.Errorf("cancelled request logged at error level:\n%s", logBuf.String())
				}
				if lines := logBuf.WithLevel(t, "DEBUG"); len(lines) != 1 {
					t.Errorf("got %d debug lines for a cancelled request, want 1:\n%s", len(lines), logBuf.String())
				}
			})
		}
	}
}

func TestErrorHTMXOnAPIPathIsProblem(t *testing.T) {
	t.Parallel()
	rd := rendering{"htmx api", "/api/x", http.Header{"Hx-Request": {"true"}}, "problem"}
	resp, body, _ := serveError(t, rd, apperr.New(apperr.Conflict, "Title taken."))
	p := mustProblem(t, resp, body)
	if p.Status != http.StatusConflict || p.Detail != "Title taken." {
		t.Errorf("problem = %+v, want status 409 and detail %q", p, "Title taken.")
	}
	if got := resp.Header.Get("HX-Retarget"); got != "" {
		t.Errorf("HX-Retarget = %q on a problem+json response, want none", got)
	}
}

func TestErrorWithoutRequestIDOrLogger(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	rec := httptest.NewRecorder()
	httpx.Error(rec, req, errors.New("boom"))
	resp := rec.Result()
	p := mustProblem(t, resp, rec.Body.String())
	if p.Status != 500 {
		t.Errorf("status = %d, want 500", p.Status)
	}
	if _, ok := p.raw["request_id"]; ok {
		t.Errorf("problem has request_id without a request ID in the context: %s", rec.Body.String())
	}
}

func TestWantsJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, accept string
		want         bool
	}{
		{"/api/x", "", true},
		{"/api/x", browserAccept, true},
		{"/apix", "", false},
		{"/x", "", false},
		{"/x", "*/*", false},
		{"/x", browserAccept, false},
		{"/x", "application/json", true},
		{"/x", "application/problem+json", true},
		{"/x", "application/json; charset=utf-8", true},
		{"/x", "text/plain, application/vnd.api+json;q=0.5", true},
		{"/x", "application/json, text/html", false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		if got := httpx.WantsJSON(req); got != tt.want {
			t.Errorf("WantsJSON(%s, Accept %q) = %v, want %v", tt.path, tt.accept, got, tt.want)
		}
	}
}
