package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Once runs effect for job jobID at most once, however often the job
// runs: it records the job in job_effects in the same transaction as
// effect, and skips effect when the record exists. An effect outside the
// database (an email) happens before the commit, so only a commit that
// fails after a successful send can repeat it. It reports whether effect
// ran.
func Once(ctx context.Context, pool *pgxpool.Pool, jobID int64, effect func(tx pgx.Tx) error) (bool, error) {
	ran := false
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO job_effects (job_id) VALUES ($1) ON CONFLICT (job_id) DO NOTHING`, jobID)
		if err != nil {
			return fmt.Errorf("jobs: record effect of job %d: %w", jobID, postgres.Translate(err))
		}
		if tag.RowsAffected() == 0 {
			return nil // done before
		}
		ran = true
		return effect(tx)
	})
	if err != nil {
		return false, err
	}
	return ran, nil
}

// effectsKeep is how long job_effects remembers a job: longer than any
// job's retries last.
const effectsKeep = 7 * 24 * time.Hour

// effectsCleanupArgs is the periodic clean-up of old job_effects rows.
type effectsCleanupArgs struct{}

// Kind implements river.JobArgs.
func (effectsCleanupArgs) Kind() string { return "jobs_effects_cleanup" }

type effectsCleanupWorker struct {
	river.WorkerDefaults[effectsCleanupArgs]
	pool *pgxpool.Pool
}

// Work deletes old rows; running it twice deletes nothing more.
func (w *effectsCleanupWorker) Work(ctx context.Context, _ *river.Job[effectsCleanupArgs]) error {
	_, err := w.pool.Exec(ctx, `DELETE FROM job_effects WHERE done_at < now() - make_interval(secs => $1)`, effectsKeep.Seconds())
	if err != nil {
		return fmt.Errorf("jobs: clean up effects: %w", postgres.Translate(err))
	}
	return nil
}
