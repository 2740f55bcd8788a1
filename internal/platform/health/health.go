// Package health serves the liveness (/health) and readiness (/ready)
// probes and holds the draining state that shutdown flips.
package health

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// ReadyTimeout bounds all readiness checks together.
const ReadyTimeout = 500 * time.Millisecond

// Pinger checks that the database answers; *pgxpool.Pool satisfies it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Schema reports the applied and the expected schema version;
// *postgres.Migrator satisfies it.
type Schema interface {
	Version(ctx context.Context) (int64, error)
	Target() int64
}

// Checker answers the probes.
type Checker struct {
	db       Pinger
	schema   Schema
	log      *slog.Logger
	draining atomic.Bool
	state    atomic.Int32 // last readiness result (0 none yet, 1 ready, 2 not), to log changes only
}

// New returns a Checker for the given database and schema.
func New(db Pinger, schema Schema, log *slog.Logger) *Checker {
	return &Checker{db: db, schema: schema, log: log}
}

// SetDraining makes every later readiness check fail: the first step of a
// graceful shutdown, so load balancers stop sending new traffic.
func (c *Checker) SetDraining() { c.draining.Store(true) }

// Health handles GET /health: 200 {"status":"ok"} while the process runs.
// It never touches the database, so an outage does not get the process
// restarted by its liveness probe.
func (c *Checker) Health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Report is the body of GET /ready.
type Report struct {
	Status string            `json:"status"` // "ready" or "unavailable"
	Checks map[string]string `json:"checks"` // check name → "ok" or the reason it failed
}

// Ready handles GET /ready: 200 only if the server is not shutting down,
// the database answers within ReadyTimeout, and the schema is at the
// version of the embedded migrations; 503 otherwise. The body lists each check.
func (c *Checker) Ready(w http.ResponseWriter, r *http.Request) {
	rep := c.Check(r.Context())
	status := http.StatusOK
	if rep.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, rep)
}

// Check runs the readiness checks.
func (c *Checker) Check(ctx context.Context) Report {
	checks := map[string]string{"shutdown": "ok", "database": "ok", "schema": "ok"}
	if c.draining.Load() {
		checks["shutdown"] = "draining"
		checks["database"], checks["schema"] = "skipped", "skipped"
		return c.report(ctx, checks)
	}
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	if err := c.db.Ping(ctx); err != nil {
		checks["database"] = "unreachable"
		checks["schema"] = "skipped"
		c.logFailure(ctx, "database", err)
		return c.report(ctx, checks)
	}
	current, err := c.schema.Version(ctx)
	switch {
	case err != nil:
		checks["schema"] = "unknown"
		c.logFailure(ctx, "schema", err)
	case current != c.schema.Target():
		checks["schema"] = fmt.Sprintf("at version %d, want %d", current, c.schema.Target())
	}
	return c.report(ctx, checks)
}

func (c *Checker) report(ctx context.Context, checks map[string]string) Report {
	ready := true
	for _, v := range checks {
		if v != "ok" {
			ready = false
		}
	}
	// Log transitions only: a probe every few seconds must not flood the log.
	state := int32(2)
	if ready {
		state = 1
	}
	if was := c.state.Swap(state); was != state {
		if ready {
			c.log.InfoContext(ctx, "ready")
		} else {
			c.log.WarnContext(ctx, "not ready", "checks", checks)
		}
	}
	if ready {
		return Report{Status: "ready", Checks: checks}
	}
	return Report{Status: "unavailable", Checks: checks}
}

func (c *Checker) logFailure(ctx context.Context, check string, err error) {
	c.log.DebugContext(ctx, "readiness check failed", "check", check, "err", err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a write error means the prober left
}
