package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Repository is the SQL of tasks and their events. Every query that reads
// or changes a task is scoped by owner, so one user can never reach
// another's rows.
type Repository struct {
	db postgres.DBTX
}

// NewRepository returns a Repository over db (a pool or a transaction).
func NewRepository(db postgres.DBTX) *Repository {
	return &Repository{db: db}
}

const taskColumns = `id, user_id, title, notes, status, due_date, version, created_at, updated_at`

func scanTask(row pgx.Row) (Task, error) {
	var (
		t   Task
		due *time.Time
	)
	if err := row.Scan(&t.ID, &t.UserID, &t.Title, &t.Notes, &t.Status, &due, &t.Version, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return Task{}, err
	}
	if due != nil {
		d := Date(*due)
		t.DueDate = &d
	}
	return t, nil
}

// dueArg turns a *Date into a query argument (NULL for nil).
func dueArg(d *Date) any {
	if d == nil {
		return nil
	}
	return time.Time(*d)
}

// Get returns userID's task id, or ErrNotFound.
func (r *Repository) Get(ctx context.Context, userID, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
SELECT `+taskColumns+` FROM tasks WHERE id = $1 AND user_id = $2`, id, userID))
	return t, notFound(err, "get")
}

// GetAny returns task id whoever owns it, or ErrNotFound: for admins'
// read-only views only, which the service checks.
func (r *Repository) GetAny(ctx context.Context, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	return t, notFound(err, "get any")
}

// GetForUpdate is Get, locking the row until the transaction ends, for a
// read-modify-write that must not lose to a concurrent change.
func (r *Repository) GetForUpdate(ctx context.Context, userID, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
SELECT `+taskColumns+` FROM tasks WHERE id = $1 AND user_id = $2 FOR UPDATE`, id, userID))
	return t, notFound(err, "get for update")
}

// Create inserts a task for userID. in must be valid.
func (r *Repository) Create(ctx context.Context, userID int64, in Input) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
INSERT INTO tasks (user_id, title, notes, status, due_date)
VALUES ($1, $2, $3, $4, $5)
RETURNING `+taskColumns, userID, in.Title, in.Notes, in.Status, dueArg(in.DueDate)))
	if err != nil {
		return Task{}, fmt.Errorf("tasks repository: create: %w", postgres.Translate(err))
	}
	return t, nil
}

// Update replaces the fields of userID's task id if its version is still
// version, and increments the version. It returns ErrNotFound if there is
// no such task and ErrConflict if the version has moved on. in must be valid.
func (r *Repository) Update(ctx context.Context, userID, id int64, version int32, in Input) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
UPDATE tasks SET title = $4, notes = $5, status = $6, due_date = $7, version = version + 1
WHERE id = $1 AND user_id = $2 AND version = $3
RETURNING `+taskColumns, id, userID, version, in.Title, in.Notes, in.Status, dueArg(in.DueDate)))
	if errors.Is(err, pgx.ErrNoRows) {
		return Task{}, r.missOrConflict(ctx, userID, id)
	}
	if err != nil {
		return Task{}, fmt.Errorf("tasks repository: update %d: %w", id, postgres.Translate(err))
	}
	return t, nil
}

// Delete removes userID's task id and returns it, or ErrNotFound.
func (r *Repository) Delete(ctx context.Context, userID, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
DELETE FROM tasks WHERE id = $1 AND user_id = $2 RETURNING `+taskColumns, id, userID))
	return t, notFound(err, "delete")
}

// missOrConflict tells why a versioned update matched no row.
func (r *Repository) missOrConflict(ctx context.Context, userID, id int64) error {
	var exists bool
	err := r.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND user_id = $2)`, id, userID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("tasks repository: update %d: %w", id, postgres.Translate(err))
	}
	if exists {
		return ErrConflict
	}
	return ErrNotFound
}

// AddEvent appends to a task's history and announces it (NOTIFY) to
// every instance's live-update relay once the transaction commits.
func (r *Repository) AddEvent(ctx context.Context, userID, taskID int64, kind EventKind, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("tasks repository: event data: %w", err)
	}
	// The lock makes commits happen in event-ID order, so the live-update
	// relay that reads "every ID above the last one I saw" never skips an
	// ID that commits late (events_feed.go). It is held only from here to
	// the commit: the event is the last write of every task transaction.
	if _, err := r.db.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eventLogLock); err != nil {
		return fmt.Errorf("tasks repository: add event: %w", postgres.Translate(err))
	}
	// NOTIFY is transactional: it is delivered on commit only, and it
	// carries the event's ID only, never row data.
	var id int64
	err = r.db.QueryRow(ctx, `INSERT INTO task_events (task_id, user_id, kind, data) VALUES ($1, $2, $3, $4) RETURNING id`,
		taskID, userID, kind, b).Scan(&id)
	if err == nil {
		_, err = r.db.Exec(ctx, `SELECT pg_notify($1, $2)`, EventsChannel, strconv.FormatInt(id, 10))
	}
	if err != nil {
		return fmt.Errorf("tasks repository: add event: %w", postgres.Translate(err))
	}
	return nil
}

// Events returns the newest limit events of a task, newest first.
func (r *Repository) Events(ctx context.Context, taskID int64, limit int) ([]Event, error) {
	rows, err := r.db.Query(ctx, `
SELECT id, task_id, kind, data, created_at FROM task_events
WHERE task_id = $1 ORDER BY id DESC LIMIT $2`, taskID, limit)
	if err != nil {
		return nil, fmt.Errorf("tasks repository: events: %w", postgres.Translate(err))
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Event, error) {
		var e Event
		err := row.Scan(&e.ID, &e.TaskID, &e.Kind, &e.Data, &e.CreatedAt)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("tasks repository: events: %w", postgres.Translate(err))
	}
	return events, nil
}

func notFound(err error, op string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("tasks repository: %s: %w", op, postgres.Translate(err))
	}
	return nil
}
