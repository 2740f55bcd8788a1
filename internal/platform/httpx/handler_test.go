package httpx_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

func TestHandlerFunc(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		handler    httpx.HandlerFunc
		wantStatus int
		wantBody   string // exact body when non-empty
		wantCT     string
	}{
		{
			name: "nil error leaves the response as written",
			handler: func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusAccepted)
				_, _ = io.WriteString(w, "queued")
				return nil
			},
			wantStatus: http.StatusAccepted,
			wantBody:   "queued",
			wantCT:     "text/plain; charset=utf-8",
		},
		{
			name: "not found",
			handler: func(w http.ResponseWriter, r *http.Request) error {
				return apperr.New(apperr.NotFound, "Task not found.")
			},
			wantStatus: http.StatusNotFound,
			wantCT:     "application/problem+json",
		},
		{
			name: "wrapped conflict",
			handler: func(w http.ResponseWriter, r *http.Request) error {
				return errors.Join(errors.New("ctx"), apperr.New(apperr.Conflict, ""))
			},
			wantStatus: http.StatusConflict,
			wantCT:     "application/problem+json",
		},
		{
			name: "plain error",
			handler: func(w http.ResponseWriter, r *http.Request) error {
				return errors.New("secret")
			},
			wantStatus: http.StatusInternalServerError,
			wantCT:     "application/problem+json",
		},
	}
	for _, tt := range tests {
		for _, adapt := range []struct {
			name string
			h    http.Handler
		}{{"HandlerFunc", tt.handler}, {"Handle", httpx.Handle(tt.handler)}} {
			t.Run(tt.name+"/"+adapt.name, func(t *testing.T) {
				t.Parallel()
				rec := httptest.NewRecorder()
				adapt.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/x", nil))
				resp := rec.Result()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				if got := resp.Header.Get("Content-Type"); got != tt.wantCT {
					t.Errorf("Content-Type = %q, want %q", got, tt.wantCT)
				}
				if tt.wantBody != "" {
					if got := rec.Body.String(); got != tt.wantBody {
						t.Errorf("body = %q, want %q", got, tt.wantBody)
					}
					if got := resp.Header.Get("Cache-Control"); got != "" {
						t.Errorf("Cache-Control = %q on a successful response, want none", got)
					}
				} else {
					p := mustProblem(t, resp, rec.Body.String())
					if p.Status != tt.wantStatus {
						t.Errorf("problem status = %d, want %d", p.Status, tt.wantStatus)
					}
					if strings.Contains(rec.Body.String(), "secret") {
						t.Errorf("body leaks the cause: %s", rec.Body.String())
					}
				}
			})
		}
	}
}
