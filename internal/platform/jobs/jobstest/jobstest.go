// Package jobstest runs a real job worker in tests: Start a queue with the
// feature's workers on the test database, do what enqueues, then Drain to
// wait until every job that can run now has run.
package jobstest

import (
	"cmp"
	"crypto/rand"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
)

// Options are the queue settings for tests: a River queue of the test's
// own (see jobs.Options.Name), a short poll interval, two attempts, a
// short soft stop.
func Options() jobs.Options {
	return jobs.Options{
		Name:            "test_" + strings.ToLower(rand.Text()[:16]),
		MaxAttempts:     2,
		JobTimeout:      10 * time.Second,
		SoftStopTimeout: 2 * time.Second,
		Concurrency:     4,
		PollInterval:    20 * time.Millisecond,
	}
}

// Start starts a queue on pool that runs work, stopped when the test
// ends. logs receives the queue's log (nil: discarded).
func Start(t testing.TB, pool *pgxpool.Pool, work *jobs.Work, opts jobs.Options, logs io.Writer) *jobs.Queue {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	q, err := jobs.New(pool, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts, work)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Stop)
	return q
}

// Drain waits (up to 15 s) until no job of queue q is waiting to run now
// or running: every job enqueued so far has completed, or failed and waits
// for a later retry, or was discarded.
func Drain(t testing.TB, pool *pgxpool.Pool, q jobs.Options) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		err := pool.QueryRow(t.Context(), `
SELECT count(*) FROM river_job
WHERE queue = $1 AND (state IN ('available', 'running') OR (state = 'scheduled' AND scheduled_at <= now()))`,
			cmp.Or(q.Name, "default")).Scan(&n)
		if err != nil {
			t.Fatalf("jobstest: count jobs: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobstest: %d jobs still waiting or running after 15 s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
