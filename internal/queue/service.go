package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
)

// Client is what the service needs of the queue: a *jobs.Queue is one.
type Client interface {
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Service is the rules of the admin's queue view: admins only.
type Service struct {
	client Client
}

// NewService returns a Service over client.
func NewService(client Client) *Service { return &Service{client: client} }

// Failed returns the newest ListLimit jobs that failed and will be
// retried, or were discarded, newest first. Anyone but an admin gets
// ErrNotAdmin.
func (s *Service) Failed(ctx context.Context, who auth.Identity) ([]Job, error) {
	if !who.IsAdmin() {
		return nil, ErrNotAdmin
	}
	res, err := s.client.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateRetryable, rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).
		First(ListLimit))
	if err != nil {
		return nil, fmt.Errorf("queue service: list: %w", err)
	}
	out := make([]Job, len(res.Jobs))
	for i, r := range res.Jobs {
		out[i] = jobFromRow(r)
	}
	return out, nil
}

// Retry makes job id run again as soon as possible, with fresh attempts
// if it was discarded. It returns ErrNotAdmin or ErrNotFound.
func (s *Service) Retry(ctx context.Context, who auth.Identity, id int64) error {
	if !who.IsAdmin() {
		return ErrNotAdmin
	}
	_, err := s.client.JobRetry(ctx, id)
	return notFound(err, "retry", id)
}

// Cancel stops job id from running again: a job waiting for its retry is
// cancelled, a running one when its attempt ends; a finished one stays
// as it is. It returns ErrNotAdmin or ErrNotFound.
func (s *Service) Cancel(ctx context.Context, who auth.Identity, id int64) error {
	if !who.IsAdmin() {
		return ErrNotAdmin
	}
	_, err := s.client.JobCancel(ctx, id)
	return notFound(err, "cancel", id)
}

func notFound(err error, op string, id int64) error {
	switch {
	case errors.Is(err, rivertype.ErrNotFound):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("queue service: %s %d: %w", op, id, err)
	}
	return nil
}
