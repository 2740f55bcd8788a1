package attachments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Repository is the SQL of uploads and attachments. Every read of an
// attachment is scoped by its owner.
type Repository struct {
	db postgres.DBTX
}

// NewRepository returns a Repository over db (a pool or a transaction).
func NewRepository(db postgres.DBTX) *Repository { return &Repository{db: db} }

// pendingUpload is a presigned upload not yet finalized.
type pendingUpload struct {
	Key         string
	ContentType string
	Size        int64
}

// AddUpload records a presigned upload of userID.
func (r *Repository) AddUpload(ctx context.Context, userID int64, key, contentType string, size int64) error {
	_, err := r.db.Exec(ctx, `INSERT INTO uploads (key, user_id, content_type, size) VALUES ($1, $2, $3, $4)`, key, userID, contentType, size)
	if err != nil {
		return fmt.Errorf("attachments repository: add upload: %w", postgres.Translate(err))
	}
	return nil
}

// TakeUpload deletes and returns userID's pending upload key, locking it
// for the transaction, or ErrUnknownUpload (never presigned, another
// user's, or already finalized).
func (r *Repository) TakeUpload(ctx context.Context, userID int64, key string) (pendingUpload, error) {
	var u pendingUpload
	err := r.db.QueryRow(ctx, `
DELETE FROM uploads WHERE key = $1 AND user_id = $2 RETURNING key, content_type, size`, key, userID).Scan(&u.Key, &u.ContentType, &u.Size)
	if errors.Is(err, pgx.ErrNoRows) {
		return pendingUpload{}, ErrUnknownUpload
	}
	if err != nil {
		return pendingUpload{}, fmt.Errorf("attachments repository: take upload: %w", postgres.Translate(err))
	}
	return u, nil
}

const attachmentColumns = `id, COALESCE(task_id, 0), user_id, key, filename, content_type, size, COALESCE(thumb_key, ''), created_at`

func scanAttachment(row pgx.Row) (Attachment, error) {
	var a Attachment
	err := row.Scan(&a.ID, &a.TaskID, &a.UserID, &a.Key, &a.Filename, &a.ContentType, &a.Size, &a.ThumbKey, &a.CreatedAt)
	return a, err
}

// Create stores an attachment.
func (r *Repository) Create(ctx context.Context, a Attachment) (Attachment, error) {
	out, err := scanAttachment(r.db.QueryRow(ctx, `
INSERT INTO attachments (task_id, user_id, key, filename, content_type, size)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+attachmentColumns,
		a.TaskID, a.UserID, a.Key, a.Filename, a.ContentType, a.Size))
	if err != nil {
		return Attachment{}, fmt.Errorf("attachments repository: create: %w", postgres.Translate(err))
	}
	return out, nil
}

// List returns userID's attachments of taskID, oldest first.
func (r *Repository) List(ctx context.Context, userID, taskID int64) ([]Attachment, error) {
	rows, err := r.db.Query(ctx, `
SELECT `+attachmentColumns+` FROM attachments WHERE task_id = $1 AND user_id = $2 ORDER BY id`, taskID, userID)
	if err != nil {
		return nil, fmt.Errorf("attachments repository: list: %w", postgres.Translate(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Attachment, error) { return scanAttachment(row) })
	if err != nil {
		return nil, fmt.Errorf("attachments repository: list: %w", postgres.Translate(err))
	}
	return out, nil
}

// Get returns userID's attachment id of taskID, or ErrNotFound.
func (r *Repository) Get(ctx context.Context, userID, taskID, id int64) (Attachment, error) {
	a, err := scanAttachment(r.db.QueryRow(ctx, `
SELECT `+attachmentColumns+` FROM attachments WHERE id = $1 AND task_id = $2 AND user_id = $3`, id, taskID, userID))
	return a, notFound(err, "get")
}

// ByID returns attachment id whoever owns it (for jobs), or ErrNotFound.
func (r *Repository) ByID(ctx context.Context, id int64) (Attachment, error) {
	a, err := scanAttachment(r.db.QueryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id))
	return a, notFound(err, "by id")
}

// Delete removes userID's attachment id of taskID and returns it, or ErrNotFound.
func (r *Repository) Delete(ctx context.Context, userID, taskID, id int64) (Attachment, error) {
	a, err := scanAttachment(r.db.QueryRow(ctx, `
DELETE FROM attachments WHERE id = $1 AND task_id = $2 AND user_id = $3 RETURNING `+attachmentColumns, id, taskID, userID))
	return a, notFound(err, "delete")
}

// SetThumbnail records the thumbnail of attachment id.
func (r *Repository) SetThumbnail(ctx context.Context, id int64, key string) error {
	if _, err := r.db.Exec(ctx, `UPDATE attachments SET thumb_key = $2 WHERE id = $1`, id, key); err != nil {
		return fmt.Errorf("attachments repository: set thumbnail: %w", postgres.Translate(err))
	}
	return nil
}

// TakeStaleUploads deletes and returns (at most limit) uploads presigned
// before cutoff and never finalized.
func (r *Repository) TakeStaleUploads(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	return r.keys(ctx, `
DELETE FROM uploads WHERE key IN (SELECT key FROM uploads WHERE created_at < $1 ORDER BY created_at LIMIT $2)
RETURNING key`, cutoff, limit)
}

// TakeOrphans deletes and returns the object keys (files and thumbnails)
// of at most limit attachments whose task was deleted.
func (r *Repository) TakeOrphans(ctx context.Context, limit int) ([]string, error) {
	return r.keys(ctx, `
WITH gone AS (
  DELETE FROM attachments WHERE id IN (SELECT id FROM attachments WHERE task_id IS NULL ORDER BY id LIMIT $1)
  RETURNING key, thumb_key
)
SELECT key FROM gone UNION ALL SELECT thumb_key FROM gone WHERE thumb_key IS NOT NULL`, limit)
}

func (r *Repository) keys(ctx context.Context, sql string, args ...any) ([]string, error) {
	rows, err := r.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("attachments repository: %w", postgres.Translate(err))
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("attachments repository: %w", postgres.Translate(err))
	}
	return keys, nil
}

func notFound(err error, op string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("attachments repository: %s: %w", op, postgres.Translate(err))
	}
	return nil
}

// dropUpload forgets userID's pending upload key (after a failed check).
func (r *Repository) dropUpload(ctx context.Context, userID int64, key string) error {
	_, err := r.db.Exec(ctx, `DELETE FROM uploads WHERE key = $1 AND user_id = $2`, key, userID)
	return postgres.Translate(err)
}
