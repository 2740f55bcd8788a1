// Package jobs is the background-job queue: River on the application's
// PostgreSQL pool. Features define their jobs (an args type and a worker)
// and enqueue them with InsertTx in the same transaction as their write, so
// a job exists if and only if the write committed. `app worker` runs them;
// `app serve` runs them in-process only in development (JOBS_IN_PROCESS).
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// Inserter enqueues a job inside the caller's transaction. A *Queue (and a
// river.Client) is one; services take this interface.
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Options configure a Queue.
type Options struct {
	// MaxAttempts is how often a failing job runs (with River's
	// exponential backoff in between) before it is discarded.
	MaxAttempts int
	// JobTimeout cancels one attempt's context after this long.
	JobTimeout time.Duration
	// SoftStopTimeout is how long Stop lets running jobs finish before
	// their contexts are cancelled.
	SoftStopTimeout time.Duration
	// Concurrency is how many jobs one process runs at once.
	Concurrency int
	// PollInterval is how often the queue is polled besides LISTEN/NOTIFY
	// (0: River's default, 1 s).
	PollInterval time.Duration
	// OnOutcome, if set, is told each finished attempt of a worked job:
	// its kind and "completed", "failed" (to be retried), "discarded" or
	// "cancelled" (metrics.JobOutcome counts them).
	OnOutcome func(kind, outcome string)
	// Name is the River queue this Queue inserts into and works ("": River's
	// default queue). Tests give each test its own, so that two workers on
	// one database never take each other's jobs.
	Name string
}

// Work is what a working Queue runs: the workers of every job kind, and
// the periodic jobs (enqueued by one leader across all processes).
type Work struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
}

// Queue is the job queue. Build it with New; a Queue without Work only
// inserts (serve in production), one with Work also runs jobs once
// started.
type Queue struct {
	*river.Client[pgx.Tx]
	log       *slog.Logger
	opts      Options
	working   bool
	discarded atomic.Int64
	// unsubscribe ends the outcome subscription (nil without OnOutcome).
	unsubscribe func()
}

// New returns a Queue on pool. work nil makes an insert-only Queue. The
// job_effects clean-up runs with any Work.
func New(pool *pgxpool.Pool, log *slog.Logger, opts Options, work *Work) (*Queue, error) {
	q := &Queue{log: log, opts: opts, working: work != nil}
	cfg := &river.Config{
		Logger:       riverLogger(log),
		MaxAttempts:  opts.MaxAttempts,
		JobTimeout:   opts.JobTimeout,
		ErrorHandler: q,
	}
	if work != nil {
		if err := river.AddWorkerSafely(work.Workers, &effectsCleanupWorker{pool: pool}); err != nil {
			return nil, fmt.Errorf("jobs: %w (give each Queue its own Workers)", err)
		}
		cfg.Workers = work.Workers
		cfg.PeriodicJobs = append(slices.Clip(work.Periodic), river.NewPeriodicJob(
			river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return effectsCleanupArgs{}, nil },
			&river.PeriodicJobOpts{ID: effectsCleanupArgs{}.Kind()},
		))
		cfg.Queues = map[string]river.QueueConfig{q.name(): {MaxWorkers: max(opts.Concurrency, 1)}}
		cfg.FetchPollInterval = opts.PollInterval
		if opts.PollInterval > 0 {
			cfg.FetchCooldown = min(opts.PollInterval, 100*time.Millisecond)
		}
		cfg.SoftStopTimeout = opts.SoftStopTimeout
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.Client = client
	return q, nil
}

// reportOutcomes forwards River's job events to OnOutcome until the
// subscription ends (at Stop).
func (q *Queue) reportOutcomes() {
	events, cancel := q.Client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	q.unsubscribe = cancel
	go func() {
		for e := range events {
			outcome := "completed"
			switch {
			case e.Kind == river.EventKindJobCancelled:
				outcome = "cancelled"
			case e.Kind == river.EventKindJobFailed && e.Job.State == rivertype.JobStateDiscarded:
				outcome = "discarded"
			case e.Kind == river.EventKindJobFailed:
				outcome = "failed"
			}
			q.opts.OnOutcome(e.Job.Kind, outcome)
		}
	}()
}

// name is the River queue of q.
func (q *Queue) name() string { return cmp.Or(q.opts.Name, river.QueueDefault) }

// InsertTx enqueues args in tx, on q's River queue unless opts names
// another (jobs.Inserter).
func (q *Queue) InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	if q.opts.Name != "" && (opts == nil || opts.Queue == "") {
		o := river.InsertOpts{}
		if opts != nil {
			o = *opts
		}
		o.Queue = q.opts.Name
		opts = &o
	}
	return q.Client.InsertTx(ctx, tx, args, opts)
}

// Start starts working jobs (a Queue with Work only) until Stop. Jobs'
// contexts carry ctx's values but not its cancellation: Stop ends them,
// softly first. A database that is down when Start runs is retried.
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	if q.opts.OnOutcome != nil {
		q.reportOutcomes()
	}
	if err := q.Client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops taking new jobs and waits for running ones up to
// SoftStopTimeout; then it cancels their contexts and waits up to
// SoftStopTimeout more for them to return (a job that ignores its context
// is abandoned; River rescues it later as stuck).
func (q *Queue) Stop() {
	if !q.working {
		return
	}
	if q.unsubscribe != nil {
		defer q.unsubscribe()
	}
	ctx, cancel := context.WithTimeout(context.Background(), q.opts.SoftStopTimeout)
	defer cancel()
	err := q.Client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		q.log.Warn("jobs still running at the soft-stop timeout; cancelling them", "timeout", q.opts.SoftStopTimeout)
		hard, cancelHard := context.WithTimeout(context.Background(), q.opts.SoftStopTimeout)
		defer cancelHard()
		err = q.Client.StopAndCancel(hard)
	}
	if err != nil {
		q.log.Error("jobs did not stop cleanly", "err", err)
		return
	}
	q.log.Info("jobs stopped")
}

// Discarded is how many jobs this process saw discarded (their attempts
// exhausted) since it started.
func (q *Queue) Discarded() int64 { return q.discarded.Load() }

// HandleError implements river.ErrorHandler: a failure that exhausts the
// job's attempts is logged as an error and counted; earlier ones are
// warnings (River retries them with backoff).
func (q *Queue) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	q.failed(ctx, job, err.Error())
	return nil
}

// HandlePanic implements river.ErrorHandler like HandleError; the stack
// goes to the log.
func (q *Queue) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	q.failed(ctx, job, fmt.Sprintf("panic: %v", panicVal), "stack", trace)
	return nil
}

func (q *Queue) failed(ctx context.Context, job *rivertype.JobRow, lastErr string, extra ...any) {
	attrs := append([]any{"kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", lastErr}, extra...)
	if job.Attempt >= job.MaxAttempts {
		q.discarded.Add(1)
		q.log.ErrorContext(ctx, "job discarded", attrs...)
		return
	}
	q.log.WarnContext(ctx, "job failed; will retry", attrs...)
}
