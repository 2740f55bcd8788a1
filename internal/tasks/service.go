package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/tracing"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// Service is the rules of tasks. Every change and its event are written in
// one transaction; pages and the API both call it, so no rule is written
// twice. Each method is a span when the request is traced (tracing.Start).
type Service struct {
	pool *pgxpool.Pool
	repo *Repository
	now  func() time.Time
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(pool *pgxpool.Pool, now func() time.Time) *Service {
	return &Service{pool: pool, repo: NewRepository(pool), now: now}
}

// Today is the current date, for due-date badges.
func (s *Service) Today() Date { return NewDate(s.now()) }

// Get returns a task who may read: their own, or any task for an admin.
// It returns ErrNotFound otherwise.
func (s *Service) Get(ctx context.Context, who auth.Identity, id int64) (Task, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.Get")
	defer span.End()
	if who.IsAdmin() {
		return s.repo.GetAny(ctx, id)
	}
	return s.repo.Get(ctx, who.UserID, id)
}

// WithEvents returns a task the actor may read (any task for an admin)
// and its newest limit events, or ErrNotFound.
func (s *Service) WithEvents(ctx context.Context, a auth.Identity, id int64, limit int) (Task, []Event, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.WithEvents")
	defer span.End()
	t, err := s.Get(ctx, a, id)
	if err != nil {
		return Task{}, nil, err
	}
	events, err := s.repo.Events(ctx, id, limit)
	if err != nil {
		return Task{}, nil, err
	}
	return t, events, nil
}

// Create adds a task for the actor and records a "created" event. It
// returns an Invalid error when in breaks a rule.
func (s *Service) Create(ctx context.Context, a auth.Identity, in Input) (Task, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.Create")
	defer span.End()
	in = in.Normalized()
	if err := validate.Struct(in); err != nil {
		return Task{}, err
	}
	var t Task
	err := s.inTx(ctx, func(repo *Repository) error {
		var err error
		if t, err = repo.Create(ctx, a.UserID, in); err != nil {
			return err
		}
		return repo.AddEvent(ctx, a.UserID, t.ID, EventCreated, map[string]any{"title": t.Title, "status": t.Status})
	})
	if err != nil {
		return Task{}, fmt.Errorf("tasks service: create: %w", err)
	}
	return t, nil
}

// Update replaces a task's fields if version is still current. It returns
// ErrNotFound, ErrConflict for a stale version, or an Invalid error.
func (s *Service) Update(ctx context.Context, a auth.Identity, id int64, version int32, in Input) (Task, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.Update")
	defer span.End()
	in = in.Normalized()
	if err := validate.Struct(in); err != nil {
		return Task{}, err
	}
	var t Task
	err := s.inTx(ctx, func(repo *Repository) error {
		before, err := repo.Get(ctx, a.UserID, id)
		if err != nil {
			return err
		}
		if before.Version == version && sameFields(before, in) {
			t = before // nothing to change: no new version, no event
			return nil
		}
		if t, err = repo.Update(ctx, a.UserID, id, version, in); err != nil {
			return err
		}
		kind, data := changeEvent(before, t)
		return repo.AddEvent(ctx, a.UserID, id, kind, data)
	})
	if err != nil {
		return Task{}, fmt.Errorf("tasks service: update %d: %w", id, s.writeErr(ctx, a, id, err))
	}
	return t, nil
}

// Patch applies a partial update (see Update for the errors; a missing
// version is an Invalid error too).
func (s *Service) Patch(ctx context.Context, a auth.Identity, id int64, p Patch) (Task, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.Patch")
	defer span.End()
	if err := validate.Struct(p); err != nil {
		return Task{}, err
	}
	current, err := s.repo.Get(ctx, a.UserID, id)
	if err != nil {
		return Task{}, s.writeErr(ctx, a, id, err)
	}
	return s.Update(ctx, a, id, p.Version, p.apply(current))
}

// SetStatus moves a task to status, whatever its version (a status click
// is not an edit that could overwrite someone else's). It returns
// ErrNotFound or an Invalid error for an unknown status.
func (s *Service) SetStatus(ctx context.Context, a auth.Identity, id int64, status Status) (Task, error) {
	ctx, span := tracing.Start(ctx, "tasks.Service.SetStatus")
	defer span.End()
	if !status.Valid() {
		return Task{}, apperr.Validation("Please choose a valid status.", map[string]string{"status": "Status must be one of: todo, doing, done."})
	}
	var t Task
	err := s.inTx(ctx, func(repo *Repository) error {
		// The row lock makes the read and the write one step, so a
		// concurrent edit is never reported as a conflict here.
		before, err := repo.GetForUpdate(ctx, a.UserID, id)
		if err != nil {
			return err
		}
		if before.Status == status {
			t = before // nothing changes: no write, no new version, no event
			return nil
		}
		in := Input{Title: before.Title, Notes: before.Notes, Status: status, DueDate: before.DueDate}
		if t, err = repo.Update(ctx, a.UserID, id, before.Version, in); err != nil {
			return err
		}
		return repo.AddEvent(ctx, a.UserID, id, EventStatusChanged, map[string]any{"from": before.Status, "to": status})
	})
	if err != nil {
		return Task{}, fmt.Errorf("tasks service: set status %d: %w", id, s.writeErr(ctx, a, id, err))
	}
	return t, nil
}

// Delete removes a task and records a "deleted" event. It returns ErrNotFound.
func (s *Service) Delete(ctx context.Context, a auth.Identity, id int64) error {
	ctx, span := tracing.Start(ctx, "tasks.Service.Delete")
	defer span.End()
	err := s.inTx(ctx, func(repo *Repository) error {
		t, err := repo.Delete(ctx, a.UserID, id)
		if err != nil {
			return err
		}
		return repo.AddEvent(ctx, a.UserID, id, EventDeleted, map[string]any{"title": t.Title})
	})
	if err != nil {
		return fmt.Errorf("tasks service: delete %d: %w", id, s.writeErr(ctx, a, id, err))
	}
	return nil
}

// writeErr turns an admin's ErrNotFound on someone else's existing task
// into ErrReadOnly: admins may see every task, so a 404 would be a lie.
func (s *Service) writeErr(ctx context.Context, a auth.Identity, id int64, err error) error {
	if !a.IsAdmin() || !errors.Is(err, ErrNotFound) {
		return err
	}
	if _, getErr := s.repo.GetAny(ctx, id); getErr == nil {
		return ErrReadOnly
	}
	return err
}

// inTx runs fn with a repository on one transaction.
func (s *Service) inTx(ctx context.Context, fn func(repo *Repository) error) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error { return fn(NewRepository(tx)) })
}

// changeEvent describes an update: a pure status change is
// "status_changed", anything else "updated" with the changed fields.
func changeEvent(before, after Task) (EventKind, map[string]any) {
	changed := []string{}
	if before.Title != after.Title {
		changed = append(changed, "title")
	}
	if before.Notes != after.Notes {
		changed = append(changed, "notes")
	}
	if !sameDate(before.DueDate, after.DueDate) {
		changed = append(changed, "due_date")
	}
	if before.Status != after.Status {
		if len(changed) == 0 {
			return EventStatusChanged, map[string]any{"from": before.Status, "to": after.Status}
		}
		changed = append(changed, "status")
	}
	return EventUpdated, map[string]any{"fields": changed}
}

// sameFields reports whether saving in would leave t as it is.
func sameFields(t Task, in Input) bool {
	return t.Title == in.Title && t.Notes == in.Notes && t.Status == in.Status && sameDate(t.DueDate, in.DueDate)
}

func sameDate(a, b *Date) bool {
	if a == nil || b == nil {
		return a == b
	}
	return time.Time(*a).Equal(time.Time(*b))
}
