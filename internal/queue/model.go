// Package queue is the admins' view of the background-job queue
// (internal/platform/jobs): the jobs that failed or were discarded, with
// retry and cancel. It has no repository: River owns the queue's tables,
// and its client is the way in. Read this file first.
package queue

import (
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// Job is a failed job as the admin page shows it.
type Job struct {
	ID          int64
	Kind        string
	State       rivertype.JobState // retryable (will run again) or discarded (gave up)
	Attempt     int
	MaxAttempts int
	LastError   string // the newest attempt's error, "" if none was recorded
	FailedAt    time.Time
	CreatedAt   time.Time
}

// Errors.
var (
	ErrNotFound = apperr.New(apperr.NotFound, "No such job.")
	// ErrNotAdmin: only admins see and act on the queue.
	ErrNotAdmin = apperr.New(apperr.Forbidden, "Only administrators can manage jobs.")
)

// ListLimit is how many failed jobs the page shows.
const ListLimit = 100

func jobFromRow(r *rivertype.JobRow) Job {
	j := Job{ID: r.ID, Kind: r.Kind, State: r.State, Attempt: r.Attempt, MaxAttempts: r.MaxAttempts, CreatedAt: r.CreatedAt}
	if n := len(r.Errors); n > 0 {
		j.LastError, j.FailedAt = r.Errors[n-1].Error, r.Errors[n-1].At
	} else if r.AttemptedAt != nil {
		j.FailedAt = *r.AttemptedAt
	}
	return j
}
