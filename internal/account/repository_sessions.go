package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// AddSession records that the session with this token hash belongs to userID.
func (r *Repository) AddSession(ctx context.Context, token string, userID int64, userAgent, clientIP string) error {
	_, err := r.db.Exec(ctx, `
INSERT INTO user_sessions (token, user_id, user_agent, client_ip) VALUES ($1, $2, $3, $4)
ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, last_seen_at = now()`,
		token, userID, truncate(userAgent, 512), clientIP)
	if err != nil {
		return fmt.Errorf("account repository: add session: %w", postgres.Translate(err))
	}
	return nil
}

// SessionUser returns the enabled user a session token belongs to and
// refreshes the session's last-seen time (at most once a minute, to spare
// a write per request). It returns ErrSessionNotFound for a revoked
// session or a disabled user.
func (r *Repository) SessionUser(ctx context.Context, token string) (User, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `
WITH s AS (
    UPDATE user_sessions SET last_seen_at = now()
    WHERE token = $1 AND last_seen_at < now() - interval '1 minute'
)
SELECT u.id, u.email, u.role, u.email_verified_at, u.disabled_at, u.created_at
FROM user_sessions us JOIN users u ON u.id = us.user_id
WHERE us.token = $1 AND u.disabled_at IS NULL`, token))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrSessionNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("account repository: session user: %w", postgres.Translate(err))
	}
	return u, nil
}

// ReplaceSessionToken moves a session to a renewed token.
func (r *Repository) ReplaceSessionToken(ctx context.Context, oldToken, newToken string) error {
	_, err := r.db.Exec(ctx, `UPDATE user_sessions SET token = $2 WHERE token = $1`, oldToken, newToken)
	if err != nil {
		return fmt.Errorf("account repository: replace session token: %w", postgres.Translate(err))
	}
	return nil
}

// Sessions lists a user's live sessions, most recently seen first.
func (r *Repository) Sessions(ctx context.Context, userID int64, currentToken string) ([]Session, error) {
	rows, err := r.db.Query(ctx, `
SELECT us.id, us.user_agent, us.client_ip, us.created_at, us.last_seen_at, us.token = $2
FROM user_sessions us JOIN sessions s ON s.token = us.token
WHERE us.user_id = $1 AND s.expiry > now()
ORDER BY us.last_seen_at DESC, us.id DESC`, userID, currentToken)
	if err != nil {
		return nil, fmt.Errorf("account repository: sessions: %w", postgres.Translate(err))
	}
	sessions, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Session, error) {
		var s Session
		err := row.Scan(&s.ID, &s.UserAgent, &s.ClientIP, &s.CreatedAt, &s.LastSeenAt, &s.Current)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("account repository: sessions: %w", postgres.Translate(err))
	}
	return sessions, nil
}

// DeleteSessions ends sessions of userID: the one with sessionID if it is
// positive, else all of them except the one with token keep (which may be
// ""). It deletes both the store row (so the cookie stops working) and the
// ownership row, and returns how many sessions ended.
func (r *Repository) DeleteSessions(ctx context.Context, userID, sessionID int64, keep string) (int64, error) {
	tag, err := r.db.Exec(ctx, `
WITH ended AS (
    DELETE FROM user_sessions
    WHERE user_id = $1 AND ($2::bigint = 0 OR id = $2::bigint) AND token <> $3
    RETURNING token
)
DELETE FROM sessions WHERE token IN (SELECT token FROM ended)`, userID, sessionID, keep)
	if err != nil {
		return 0, fmt.Errorf("account repository: delete sessions: %w", postgres.Translate(err))
	}
	return tag.RowsAffected(), nil
}

// DeleteSessionByToken forgets the session with this token (sign-out).
func (r *Repository) DeleteSessionByToken(ctx context.Context, token string) error {
	if _, err := r.db.Exec(ctx, `DELETE FROM user_sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("account repository: delete session: %w", postgres.Translate(err))
	}
	return nil
}

// RecordFailure records a failed sign-in for (email, client IP).
func (r *Repository) RecordFailure(ctx context.Context, email, clientIP string) error {
	_, err := r.db.Exec(ctx, `INSERT INTO login_failures (email, client_ip) VALUES ($1, $2)`, email, clientIP)
	if err != nil {
		return fmt.Errorf("account repository: record failure: %w", postgres.Translate(err))
	}
	return nil
}

// ClearFailures forgets the failures of (email, client IP) after a success.
func (r *Repository) ClearFailures(ctx context.Context, email, clientIP string) error {
	_, err := r.db.Exec(ctx, `DELETE FROM login_failures WHERE email = $1 AND client_ip = $2`, email, clientIP)
	if err != nil {
		return fmt.Errorf("account repository: clear failures: %w", postgres.Translate(err))
	}
	return nil
}

// failureWindow is one throttling rule's count and when it frees up.
type failureWindow struct {
	Count   int
	RetryIn time.Duration // until the oldest counted failure leaves the window
}

// FailureCounts returns, for email, the failures from clientIP within
// ipWindow and from anywhere within accountWindow, with the time until the
// oldest of each leaves its window. One query, served by the indexes.
func (r *Repository) FailureCounts(ctx context.Context, email, clientIP string, ipWindow, accountWindow time.Duration) (fromIP, total failureWindow, err error) {
	var ipOldest, allOldest *time.Time
	var now time.Time
	err = r.db.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE client_ip = $2 AND created_at > now() - $3::interval),
       min(created_at) FILTER (WHERE client_ip = $2 AND created_at > now() - $3::interval),
       count(*),
       min(created_at),
       now()
FROM login_failures
WHERE email = $1 AND created_at > now() - $4::interval`,
		email, clientIP, ipWindow.String(), accountWindow.String()).
		Scan(&fromIP.Count, &ipOldest, &total.Count, &allOldest, &now)
	if err != nil {
		return fromIP, total, fmt.Errorf("account repository: failure counts: %w", postgres.Translate(err))
	}
	if ipOldest != nil {
		fromIP.RetryIn = ipOldest.Add(ipWindow).Sub(now)
	}
	if allOldest != nil {
		total.RetryIn = allOldest.Add(accountWindow).Sub(now)
	}
	return fromIP, total, nil
}

// PurgeExpired deletes failures older than keep, spent or expired tokens,
// and API tokens a month after they expired or were revoked.
func (r *Repository) PurgeExpired(ctx context.Context, keep time.Duration) error {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM login_failures WHERE created_at < now() - $1::interval`, keep.String())
	batch.Queue(`DELETE FROM user_tokens WHERE expires_at < now() OR used_at IS NOT NULL`)
	batch.Queue(`DELETE FROM api_tokens WHERE least(expires_at, revoked_at) < now() - interval '30 days'`)
	batch.Queue(`DELETE FROM user_sessions us WHERE us.created_at < now() - interval '1 hour'
  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.token = us.token AND s.expiry > now())`)
	if err := r.db.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("account repository: purge: %w", postgres.Translate(err))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
