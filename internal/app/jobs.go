package app

import (
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
)

// jobOptions are the queue settings from the configuration; outcomes of
// worked jobs are counted in m (which may be nil).
func jobOptions(cfg Config, m *metrics.Metrics) jobs.Options {
	return jobs.Options{
		MaxAttempts:     cfg.Jobs.MaxAttempts,
		JobTimeout:      cfg.Jobs.Timeout,
		SoftStopTimeout: cfg.Jobs.SoftStopTimeout,
		Concurrency:     cfg.Jobs.Concurrency,
		OnOutcome:       m.JobOutcome,
	}
}

// newInserter returns the queue the services enqueue on: it inserts only.
func newInserter(cfg Config, log *slog.Logger, pool *pgxpool.Pool) (*jobs.Queue, error) {
	return jobs.New(pool, log, jobOptions(cfg, nil), nil)
}

// newWorker returns the queue that runs every feature's jobs (the
// workers are built on the features the server uses) once started: in
// `app worker`, or in `serve` with JOBS_IN_PROCESS. opts is jobOptions
// (tests shorten the poll interval).
func newWorker(opts jobs.Options, log *slog.Logger, pool *pgxpool.Pool, f features, mailer mail.Sender) (*jobs.Queue, error) {
	work := &jobs.Work{Workers: river.NewWorkers()}
	if err := account.Jobs(work, f.accounts, mailer); err != nil {
		return nil, err
	}
	if err := attachments.Jobs(work, f.uploads); err != nil {
		return nil, err
	}
	return jobs.New(pool, log, opts, work)
}
