package health_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/health"
)

type fakeDB struct{ err error }

func (f fakeDB) Ping(ctx context.Context) error { return f.err }

type slowDB struct{}

func (slowDB) Ping(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

type fakeSchema struct {
	current, target int64
	err             error
}

func (f fakeSchema) Version(context.Context) (int64, error) { return f.current, f.err }
func (f fakeSchema) Target() int64                          { return f.target }

func ready(t *testing.T, c *health.Checker) (int, health.Report) {
	t.Helper()
	rec := httptest.NewRecorder()
	c.Ready(rec, httptest.NewRequest(http.MethodGet, "/ready", nil))
	var rep health.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatalf("ready body %q: %v", rec.Body.String(), err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	return rec.Code, rep
}

func TestReady(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	tests := []struct {
		name       string
		db         health.Pinger
		schema     fakeSchema
		draining   bool
		wantStatus int
		wantChecks map[string]string
	}{
		{"all good", fakeDB{}, fakeSchema{current: 3, target: 3}, false, 200,
			map[string]string{"database": "ok", "schema": "ok", "shutdown": "ok"}},
		{"database down", fakeDB{err: errors.New("dial tcp: refused")}, fakeSchema{current: 3, target: 3}, false, 503,
			map[string]string{"database": "unreachable", "schema": "skipped", "shutdown": "ok"}},
		{"schema behind", fakeDB{}, fakeSchema{current: 2, target: 3}, false, 503,
			map[string]string{"database": "ok", "schema": "at version 2, want 3", "shutdown": "ok"}},
		{"schema unknown", fakeDB{}, fakeSchema{err: errors.New("no table")}, false, 503,
			map[string]string{"database": "ok", "schema": "unknown", "shutdown": "ok"}},
		{"draining", fakeDB{}, fakeSchema{current: 3, target: 3}, true, 503,
			map[string]string{"database": "skipped", "schema": "skipped", "shutdown": "draining"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := health.New(tt.db, tt.schema, log)
			if tt.draining {
				c.SetDraining()
			}
			status, rep := ready(t, c)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantChecks, rep.Checks); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadyTimesOutAHangingDatabase(t *testing.T) {
	c := health.New(slowDB{}, fakeSchema{}, slog.New(slog.DiscardHandler))
	start := time.Now()
	status, _ := ready(t, c)
	if d := time.Since(start); status != 503 || d > health.ReadyTimeout+200*time.Millisecond {
		t.Errorf("hanging database: status %d after %v, want 503 within %v", status, d, health.ReadyTimeout)
	}
}

func TestReadyLogsChangesOnly(t *testing.T) {
	var buf bytes.Buffer
	db := &fakeDB{}
	c := health.New(db, fakeSchema{current: 1, target: 2}, slog.New(slog.NewJSONHandler(&buf, nil)))
	for range 3 {
		ready(t, c)
	}
	if n := strings.Count(buf.String(), `"msg":"not ready"`); n != 1 {
		t.Errorf("logged 'not ready' %d times over 3 failing probes, want 1:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), "at version 1, want 2") {
		t.Errorf("the log line does not name the schema version:\n%s", buf.String())
	}
}

func TestHealthNeverTouchesTheDatabase(t *testing.T) {
	c := health.New(slowDB{}, fakeSchema{}, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	c.Health(rec, httptest.NewRequest(http.MethodGet, "/health", nil))
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"status":"ok"}` {
		t.Errorf("health = %d %s", rec.Code, rec.Body.String())
	}
}
