package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Repository is the SQL of accounts: users, user tokens, the sessions of
// each user, and sign-in failures.
type Repository struct {
	db postgres.DBTX
}

// NewRepository returns a Repository over db (a pool or a transaction).
func NewRepository(db postgres.DBTX) *Repository {
	return &Repository{db: db}
}

const userColumns = `id, email, role, email_verified_at, disabled_at, created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Role, &u.EmailVerifiedAt, &u.DisabledAt, &u.CreatedAt)
	return u, err
}

// CreateUser inserts a user. It returns ErrEmailTaken if the email exists.
func (r *Repository) CreateUser(ctx context.Context, email, passwordHash string, role Role, verified bool) (User, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `
INSERT INTO users (email, password_hash, role, email_verified_at)
VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)
RETURNING `+userColumns, email, passwordHash, role, verified))
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "23505" {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("account repository: create user: %w", postgres.Translate(err))
	}
	return u, nil
}

// UserByID returns a user, or ErrNotFound.
func (r *Repository) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, userErr(err, "user by id")
}

// Credentials returns the user with the given email and their password
// hash, or ErrNotFound.
func (r *Repository) Credentials(ctx context.Context, email string) (User, string, error) {
	var (
		u    User
		hash string
	)
	err := r.db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Email, &u.Role, &u.EmailVerifiedAt, &u.DisabledAt, &u.CreatedAt, &hash)
	return u, hash, userErr(err, "credentials")
}

// PasswordHash returns a user's password hash, or ErrNotFound.
func (r *Repository) PasswordHash(ctx context.Context, id int64) (string, error) {
	var hash string
	err := r.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, id).Scan(&hash)
	return hash, userErr(err, "password hash")
}

// SetPasswordHash replaces a user's password hash.
func (r *Repository) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	tag, err := r.db.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, hash)
	return affectedOne(tag, err, "set password hash")
}

// MarkVerified records that the user confirmed their email address.
func (r *Repository) MarkVerified(ctx context.Context, id int64) error {
	tag, err := r.db.Exec(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, id)
	return affectedOne(tag, err, "mark verified")
}

// Disable marks a user disabled. Disabling twice is not an error.
func (r *Repository) Disable(ctx context.Context, id int64) error {
	tag, err := r.db.Exec(ctx, `UPDATE users SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1`, id)
	return affectedOne(tag, err, "disable")
}

// SetRole gives a user a role. It returns ErrNotFound for an unknown ID.
func (r *Repository) SetRole(ctx context.Context, id int64, role Role) error {
	tag, err := r.db.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, role)
	return affectedOne(tag, err, "set role")
}

// ListUsers returns up to limit users, newest first.
func (r *Repository) ListUsers(ctx context.Context, limit int) ([]User, error) {
	rows, err := r.db.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("account repository: list users: %w", postgres.Translate(err))
	}
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("account repository: list users: %w", postgres.Translate(err))
	}
	return users, nil
}

// CreateToken stores the hash of a single-use token.
func (r *Repository) CreateToken(ctx context.Context, hash []byte, userID int64, purpose tokenPurpose, ttl time.Duration) error {
	_, err := r.db.Exec(ctx, `
INSERT INTO user_tokens (hash, user_id, purpose, expires_at)
VALUES ($1, $2, $3, now() + $4::interval)`, hash, userID, purpose, ttl.String())
	if err != nil {
		return fmt.Errorf("account repository: create token: %w", postgres.Translate(err))
	}
	return nil
}

// ConsumeToken marks an unused, unexpired token used and returns its user,
// or ErrInvalidToken. Two concurrent uses: exactly one wins.
func (r *Repository) ConsumeToken(ctx context.Context, hash []byte, purpose tokenPurpose) (int64, error) {
	var userID int64
	err := r.db.QueryRow(ctx, `
UPDATE user_tokens SET used_at = now()
WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
RETURNING user_id`, hash, purpose).Scan(&userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrInvalidToken
	}
	if err != nil {
		return 0, fmt.Errorf("account repository: consume token: %w", postgres.Translate(err))
	}
	return userID, nil
}

// TokenValid reports whether an unused, unexpired token exists.
func (r *Repository) TokenValid(ctx context.Context, hash []byte, purpose tokenPurpose) (bool, error) {
	var ok bool
	err := r.db.QueryRow(ctx, `
SELECT EXISTS (SELECT 1 FROM user_tokens
               WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now())`, hash, purpose).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("account repository: token valid: %w", postgres.Translate(err))
	}
	return ok, nil
}

func userErr(err error, op string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("account repository: %s: %w", op, postgres.Translate(err))
	}
	return nil
}

func affectedOne(tag pgconn.CommandTag, err error, op string) error {
	if err != nil {
		return fmt.Errorf("account repository: %s: %w", op, postgres.Translate(err))
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// announceUserChange sends NOTIFY UsersChannel, userID; PostgreSQL
// delivers it when (and only if) the transaction commits.
func (r *Repository) announceUserChange(ctx context.Context, userID int64) error {
	if _, err := r.db.Exec(ctx, `SELECT pg_notify($1, $2)`, UsersChannel, strconv.FormatInt(userID, 10)); err != nil {
		return fmt.Errorf("account repository: announce user change: %w", postgres.Translate(err))
	}
	return nil
}
