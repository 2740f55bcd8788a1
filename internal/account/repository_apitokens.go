package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

const apiTokenColumns = `t.id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

func scanAPIToken(row pgx.Row, extra ...any) (APIToken, error) {
	var t APIToken
	dest := append([]any{&t.ID, &t.Name, &t.Scope, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt}, extra...)
	err := row.Scan(dest...)
	return t, err
}

// CreateAPIToken stores a token's hash for userID, expiring in days. It
// returns ErrTooManyAPITokens when the user already has maxAPITokens live
// ones (the count and the insert are one statement).
func (r *Repository) CreateAPIToken(ctx context.Context, userID int64, hash []byte, in APITokenInput) (APIToken, error) {
	t, err := scanAPIToken(r.db.QueryRow(ctx, `
INSERT INTO api_tokens AS t (user_id, hash, name, scope, expires_at)
SELECT $1, $2, $3, $4, now() + make_interval(days => $5)
WHERE (SELECT count(*) FROM api_tokens
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()) < $6
RETURNING `+apiTokenColumns, userID, hash, in.Name, in.Scope, in.ExpiresInDays, maxAPITokens))
	if errors.Is(err, pgx.ErrNoRows) {
		return APIToken{}, ErrTooManyAPITokens
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("account repository: create api token: %w", postgres.Translate(err))
	}
	return t, nil
}

// ListAPITokens returns a user's tokens that are not revoked, newest first
// (expired ones too, until the purge deletes them).
func (r *Repository) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := r.db.Query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t
WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("account repository: list api tokens: %w", postgres.Translate(err))
	}
	tokens, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (APIToken, error) { return scanAPIToken(row) })
	if err != nil {
		return nil, fmt.Errorf("account repository: list api tokens: %w", postgres.Translate(err))
	}
	return tokens, nil
}

// RevokeAPIToken revokes one of userID's tokens. A token of another user,
// or one already revoked, is ErrNotFound.
func (r *Repository) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	tag, err := r.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID)
	return affectedOne(tag, err, "revoke api token")
}

// RevokeAllAPITokens revokes every live token of userID and returns how
// many there were.
func (r *Repository) RevokeAllAPITokens(ctx context.Context, userID int64) (int64, error) {
	tag, err := r.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	if err != nil {
		return 0, fmt.Errorf("account repository: revoke api tokens: %w", postgres.Translate(err))
	}
	return tag.RowsAffected(), nil
}

// APITokenByHash returns the token with this hash and its user, whatever
// the token's state, or ErrNotFound.
func (r *Repository) APITokenByHash(ctx context.Context, hash []byte) (tokenOwner, error) {
	var o tokenOwner
	u := &o.User
	t, err := scanAPIToken(r.db.QueryRow(ctx, `SELECT `+apiTokenColumns+`,
       u.id, u.email, u.role, u.email_verified_at, u.disabled_at, u.created_at
FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`, hash),
		&u.ID, &u.Email, &u.Role, &u.EmailVerifiedAt, &u.DisabledAt, &u.CreatedAt)
	o.Token = t
	return o, userErr(err, "api token by hash")
}

// TouchAPIToken records a use of the token, unless one was recorded less
// than apiTokenTouchEvery ago.
func (r *Repository) TouchAPIToken(ctx context.Context, id int64) error {
	_, err := r.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - $2::interval)`, id, apiTokenTouchEvery.String())
	if err != nil {
		return fmt.Errorf("account repository: touch api token: %w", postgres.Translate(err))
	}
	return nil
}
