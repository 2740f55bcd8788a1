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

// listFilter is the filter, order and limit shared by the two list
// queries ($1…$5); the owner condition, if any, follows it as $6.
const listFilter = `
      ($1 = '' OR status = $1)
  AND ($2 = '' OR search @@ websearch_to_tsquery('simple', $2))
  AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))`

// Two texts, so the per-user query keeps a plan that uses the
// (user_id, created_at, id) index.
const (
	listOwn = `SELECT ` + taskColumns + ` FROM tasks WHERE` + listFilter + `
  AND user_id = $6
ORDER BY created_at DESC, id DESC LIMIT $5`
	listAll = `SELECT ` + taskColumns + ` FROM tasks WHERE` + listFilter + `
ORDER BY created_at DESC, id DESC LIMIT $5`
)

// List returns a page of userID's tasks, newest first, in one query: the
// keyset cursor continues after the last row of the previous page, and
// one row more than the limit tells whether there is a next page. p must
// be normalized. It returns ErrBadCursor for a cursor it did not make.
func (r *Repository) List(ctx context.Context, userID int64, p ListParams) (Page, error) {
	return r.list(ctx, listOwn, p, userID)
}

// ListAll is List over every user's tasks: for admins only, which the
// service checks.
func (r *Repository) ListAll(ctx context.Context, p ListParams) (Page, error) {
	return r.list(ctx, listAll, p)
}

func (r *Repository) list(ctx context.Context, query string, p ListParams, owner ...any) (Page, error) {
	args, err := listArgs(p, owner...)
	if err != nil {
		return Page{}, err
	}
	rows, err := r.db.Query(ctx, query, args...)
	if err != nil {
		return Page{}, fmt.Errorf("tasks repository: list: %w", postgres.Translate(err))
	}
	page, err := collectPage(rows, p.Limit)
	if err != nil {
		return Page{}, fmt.Errorf("tasks repository: list: %w", postgres.Translate(err))
	}
	return page, nil
}

// ListWithHead is List plus the newest event ID (where the page's live
// stream starts), in one round trip: the two reads are independent, so
// they go as one pgx.Batch.
func (r *Repository) ListWithHead(ctx context.Context, userID int64, p ListParams) (Page, int64, error) {
	return r.listWithHead(ctx, listOwn, p, userID)
}

// ListAllWithHead is ListAll plus the newest event ID, in one round trip:
// for admins only, which the service checks.
func (r *Repository) ListAllWithHead(ctx context.Context, p ListParams) (Page, int64, error) {
	return r.listWithHead(ctx, listAll, p)
}

func (r *Repository) listWithHead(ctx context.Context, query string, p ListParams, owner ...any) (Page, int64, error) {
	args, err := listArgs(p, owner...)
	if err != nil {
		return Page{}, 0, err
	}
	var page Page
	var head int64
	b := &pgx.Batch{}
	b.Queue(query, args...).Query(func(rows pgx.Rows) (err error) {
		page, err = collectPage(rows, p.Limit)
		return err
	})
	b.Queue(eventHead).QueryRow(func(row pgx.Row) error { return row.Scan(&head) })
	if err := r.db.SendBatch(ctx, b).Close(); err != nil {
		return Page{}, 0, fmt.Errorf("tasks repository: list with head: %w", postgres.Translate(err))
	}
	return page, head, nil
}

// listArgs are the list queries' arguments ($1…$5, then the owner). It
// returns ErrBadCursor for a cursor this package did not make.
func listArgs(p ListParams, owner ...any) ([]any, error) {
	c, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, ErrBadCursor
	}
	var afterTime *time.Time
	var afterID int64
	if c != nil {
		afterTime, afterID = &c.CreatedAt, c.ID
	}
	return append([]any{string(p.Status), p.Query, afterTime, afterID, p.Limit + 1}, owner...), nil
}

// collectPage reads up to limit+1 rows into a page: the extra row only
// says there is a next page, whose cursor follows the last row kept.
func collectPage(rows pgx.Rows, limit int) (Page, error) {
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Task, error) { return scanTask(row) })
	if err != nil {
		return Page{}, err
	}
	page := Page{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = encodeCursor(page.Items[limit-1])
	}
	if page.Items == nil {
		page.Items = []Task{}
	}
	return page, nil
}

// Get returns userID's task id, or ErrNotFound.
func (r *Repository) Get(ctx context.Context, userID, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRow(ctx, `
SELECT `+taskColumns+` FROM tasks WHERE id = $1 AND user_id = $2`, id, userID))
	return t, notFound(err, "get")
}

// InFilter reports whether task id passes p's status and search filter,
// with the list queries' own condition (listFilter), so that a row the
// live list refreshes matches what List would select. p must be
// normalized; its cursor and scope are not considered.
func (r *Repository) InFilter(ctx context.Context, id int64, p ListParams) (bool, error) {
	var ok bool
	err := r.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tasks WHERE`+listFilter+`
  AND id = $5)`, string(p.Status), p.Query, nil, int64(0), id).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("tasks repository: in filter: %w", postgres.Translate(err))
	}
	return ok, nil
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
