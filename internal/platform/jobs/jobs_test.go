package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// probeArgs is a test job; what its worker does is up to the test.
type probeArgs struct {
	N int `json:"n"`
}

func (probeArgs) Kind() string { return "jobs_test_probe" }

type probeWorker struct {
	river.WorkerDefaults[probeArgs]
	work func(ctx context.Context, job *river.Job[probeArgs]) error
}

func (w *probeWorker) Work(ctx context.Context, job *river.Job[probeArgs]) error {
	return w.work(ctx, job)
}

// startProbe starts a queue named opts.Name on pool whose probe jobs run work.
func startProbe(t *testing.T, pool *pgxpool.Pool, opts jobs.Options, logs *logtest.Buffer, work func(context.Context, *river.Job[probeArgs]) error) *jobs.Queue {
	t.Helper()
	w := &jobs.Work{Workers: river.NewWorkers()}
	river.AddWorker(w.Workers, &probeWorker{work: work})
	if logs == nil {
		return jobstest.Start(t, pool, w, opts, nil)
	}
	return jobstest.Start(t, pool, w, opts, logs)
}

func inserter(t *testing.T, pool *pgxpool.Pool, opts jobs.Options) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(pool, slog.New(slog.DiscardHandler), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func jobStates(t *testing.T, pool *pgxpool.Pool, queue string) map[string]int {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT state::text, count(*) FROM river_job WHERE queue = $1 GROUP BY state`, queue)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		got[s] = n
	}
	return got
}

// TestInsertTxFollowsItsTransaction: a job exists if and only if the
// write it was enqueued with committed.
func TestInsertTxFollowsItsTransaction(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	opts := jobstest.Options()
	q := inserter(t, pool, opts)
	ctx := t.Context()
	boom := errors.New("the business write failed")
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := q.InsertTx(ctx, tx, probeArgs{N: 1}, nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the write's error", err)
	}
	if got := jobStates(t, pool, opts.Name); len(got) != 0 {
		t.Errorf("after a rollback: jobs %v, want none", got)
	}
	if err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := q.InsertTx(ctx, tx, probeArgs{N: 2}, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := jobStates(t, pool, opts.Name); got["available"] != 1 || len(got) != 1 {
		t.Errorf("after a commit: jobs %v, want one available", got)
	}
}

// TestRetryThenDiscard: a transient failure is retried; a job that always
// fails is discarded after MaxAttempts, logged as an error with its kind,
// ID and last error, and counted.
func TestRetryThenDiscard(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	opts := jobstest.Options()
	opts.MaxAttempts = 2
	logs := &logtest.Buffer{}
	var attempts sync.Map // job ID → attempts seen
	q := startProbe(t, pool, opts, logs, func(_ context.Context, job *river.Job[probeArgs]) error {
		attempts.Store(job.ID, job.Attempt)
		if job.Args.N == 1 && job.Attempt == 1 {
			return errors.New("transient: the mail server said 421")
		}
		if job.Args.N == 2 {
			return fmt.Errorf("permanent failure %d", job.Attempt)
		}
		return nil
	})
	ctx := t.Context()
	// The transient failure: River's backoff would wait a second; make the
	// second attempt due at once.
	res, err := q.Insert(ctx, probeArgs{N: 1}, &river.InsertOpts{Queue: opts.Name})
	if err != nil {
		t.Fatal(err)
	}
	jobstest.Drain(t, pool, opts)
	if _, err := q.JobRetry(ctx, res.Job.ID); err != nil {
		t.Fatal(err)
	}
	// The permanent failure, with one attempt allowed: discarded at once.
	if _, err := q.Insert(ctx, probeArgs{N: 2}, &river.InsertOpts{Queue: opts.Name, MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	jobstest.Drain(t, pool, opts)
	if got := jobStates(t, pool, opts.Name); got["completed"] != 1 || got["discarded"] != 1 {
		t.Errorf("job states %v, want one completed (after a retry) and one discarded", got)
	}
	if q.Discarded() != 1 {
		t.Errorf("Discarded() = %d, want 1", q.Discarded())
	}
	lines := logs.WithMsg(t, "job discarded")
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["kind"] != "jobs_test_probe" ||
		lines[0]["err"] != "permanent failure 1" || lines[0]["job_id"] == nil {
		t.Errorf("discard log lines = %v, want one ERROR with kind, job_id and the last error", lines)
	}
}

// TestTwoWorkersRunEachJobOnce: two worker processes on one database.
func TestTwoWorkersRunEachJobOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	opts := jobstest.Options()
	var mu sync.Mutex
	runs := map[int]int{}
	count := func(_ context.Context, job *river.Job[probeArgs]) error {
		mu.Lock()
		runs[job.Args.N]++
		mu.Unlock()
		return nil
	}
	// Two pools: two processes' worth of connections.
	other, err := pgxpool.New(t.Context(), pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	startProbe(t, pool, opts, nil, count)
	startProbe(t, other, opts, nil, count)
	q := inserter(t, pool, opts)
	const n = 200
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: probeArgs{N: i}, InsertOpts: &river.InsertOpts{Queue: opts.Name}}
	}
	if _, err := q.InsertMany(t.Context(), params); err != nil {
		t.Fatal(err)
	}
	jobstest.Drain(t, pool, opts)
	mu.Lock()
	defer mu.Unlock()
	for i := range n {
		if runs[i] != 1 {
			t.Errorf("job %d ran %d times, want once", i, runs[i])
		}
	}
}

// TestStopUnderARunningJob: Stop lets a running job finish within the
// soft-stop timeout, and cancels one that does not, then returns.
func TestStopUnderARunningJob(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		jobTakes   time.Duration
		wantCancel bool
	}{
		{"finishes within the soft stop", 200 * time.Millisecond, false},
		{"cancelled at the soft stop", time.Hour, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pool := pgtest.NewPool(t)
			opts := jobstest.Options()
			opts.SoftStopTimeout = time.Second
			started := make(chan struct{})
			var cancelled, finished atomic.Bool
			w := &jobs.Work{Workers: river.NewWorkers()}
			river.AddWorker(w.Workers, &probeWorker{work: func(ctx context.Context, _ *river.Job[probeArgs]) error {
				close(started)
				select {
				case <-time.After(tt.jobTakes):
					finished.Store(true)
					return nil
				case <-ctx.Done():
					cancelled.Store(true)
					return ctx.Err()
				}
			}})
			q, err := jobs.New(pool, slog.New(slog.DiscardHandler), opts, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := q.Insert(t.Context(), probeArgs{}, &river.InsertOpts{Queue: opts.Name}); err != nil {
				t.Fatal(err)
			}
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatal("the job never started")
			}
			begin := time.Now()
			q.Stop()
			took := time.Since(begin)
			if cancelled.Load() != tt.wantCancel || finished.Load() == tt.wantCancel {
				t.Errorf("cancelled = %v, finished = %v; want cancelled = %v", cancelled.Load(), finished.Load(), tt.wantCancel)
			}
			if took > 3*opts.SoftStopTimeout {
				t.Errorf("Stop took %s, want about the soft-stop timeout (%s) at most", took, opts.SoftStopTimeout)
			}
		})
	}
}

// TestOnceRunsTheEffectOnce: a job run twice has its effect once; an
// effect that fails is rolled back with its record, so a retry runs it.
func TestOnceRunsTheEffectOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `CREATE TABLE effects (job_id bigint)`); err != nil {
		t.Fatal(err)
	}
	effect := func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO effects (job_id) VALUES (7)`)
		return err
	}
	failing := func(tx pgx.Tx) error {
		_ = effect(tx)
		return errors.New("the mail server is down")
	}
	if ran, err := jobs.Once(ctx, pool, 7, failing); ran || err == nil {
		t.Fatalf("Once(failing) = %v, %v; want false and the error", ran, err)
	}
	for i, want := range []bool{true, false} {
		ran, err := jobs.Once(ctx, pool, 7, effect)
		if err != nil || ran != want {
			t.Errorf("run %d: Once = %v, %v; want %v", i+1, ran, err, want)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM effects`).Scan(&n); err != nil || n != 1 {
		t.Errorf("effects = %d, %v; want exactly 1", n, err)
	}
}
