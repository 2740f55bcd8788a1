package tasks

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// The list reads: a page of tasks with a keyset cursor, for one user or
// for everyone, alone or with the newest event ID, and the list filter
// applied to one task (InFilter).

// listFilter is the list's WHERE conditions ($1 status, $2 search, $3 and
// $4 the cursor), shared by the two list queries (which add the limit as
// $5 and the owner as $6) and InFilter (the task's ID as $5).
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
	// The head first: each statement reads its own snapshot, so an event
	// committed between the two is then after the head and replayed to the
	// page, rather than missing from both the page and the replay.
	b := &pgx.Batch{}
	b.Queue(eventHead).QueryRow(func(row pgx.Row) error { return row.Scan(&head) })
	b.Queue(query, args...).Query(func(rows pgx.Rows) (err error) {
		page, err = collectPage(rows, p.Limit)
		return err
	})
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
