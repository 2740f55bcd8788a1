// Package session configures scs, the session manager, over PostgreSQL.
// Tokens are 256-bit random values; the store keeps only their SHA-256
// (HashTokenInStore), so a leaked table does not leak live sessions.
package session

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Options configures New.
type Options struct {
	// Secure selects the __Host-session cookie with the Secure flag (https
	// sites); otherwise a plain "session" cookie for http development.
	Secure bool
	// IdleTimeout ends a session after this long without a request.
	IdleTimeout time.Duration
	// Lifetime ends a session this long after sign-in, however active.
	Lifetime time.Duration
	// TouchInterval is how often, at most, a request that changes nothing
	// in the session writes it to push its idle expiry back; 0 means
	// min(1 minute, IdleTimeout/10). A session may therefore end up to
	// this much before a full IdleTimeout of inactivity.
	TouchInterval time.Duration
}

// CookieName returns the session cookie's name for the given security.
func CookieName(secure bool) string {
	if secure {
		return "__Host-session" // the prefix makes browsers insist on Secure, Path=/ and no Domain
	}
	return "session"
}

// New returns a session manager storing sessions in the pool's
// "sessions" table. Store failures become 503 through httpx.Error.
//
// The idle timeout is the Store's, not scs's: scs with an IdleTimeout
// marks every loaded session modified and so writes it on every request;
// the Store instead keeps each row's expiry at most IdleTimeout ahead and
// pushes it back only once TouchInterval has passed (see FindCtx). The
// cookie lives for the Lifetime; the row's expiry is what counts.
func New(pool *pgxpool.Pool, opts Options) *scs.SessionManager {
	m := scs.New()
	m.Store = newIdleStore(pool, opts)
	m.HashTokenInStore = true
	m.Lifetime = opts.Lifetime
	m.Cookie.Name = CookieName(opts.Secure)
	m.Cookie.Secure = opts.Secure
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Path = "/"
	m.Cookie.Domain = ""
	m.Cookie.Persist = true
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if apperr.KindOf(err) == apperr.Internal {
			err = apperr.Wrap(err, apperr.Unavailable, "Sessions are unavailable. Try again in a moment.")
		}
		httpx.Error(w, r, err)
	}
	return m
}

// HashToken is how the store keys a session: the same function scs applies
// with HashTokenInStore, so other tables can refer to a session row.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Store is an scs.CtxStore on PostgreSQL that, unlike scs's pgxstore, uses
// the request's context, so a slow database cannot hold a request forever.
// Expired rows are removed by DeleteExpired (run periodically by the app).
type Store struct {
	db postgres.DBTX
	// idle, when positive, caps each row's expiry at idle from its last
	// write, and touch is how stale that write may get (store_idle.go).
	idle, touch time.Duration
}

// NewStore returns a Store over db that keeps the expiry scs gives it
// (no idle timeout of its own).
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

// FindCtx returns the data of an unexpired session. With an idle timeout
// it also pushes the session's expiry back when that is due (touchIfDue).
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry time.Time
	err := s.db.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND expiry > now()`, token).Scan(&data, &expiry)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session store: find: %w", postgres.Translate(err))
	}
	if err := s.touchIfDue(ctx, token, data, expiry); err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx inserts or replaces a session. scs passes the session's
// deadline; with an idle timeout the row expires sooner, idle from now.
func (s *Store) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	expiry = s.idleExpiry(expiry, time.Now())
	_, err := s.db.Exec(ctx, `
INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, data, expiry)
	if err != nil {
		return fmt.Errorf("session store: commit: %w", postgres.Translate(err))
	}
	return nil
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("session store: delete: %w", postgres.Translate(err))
	}
	return nil
}

// DeleteExpired removes expired sessions and returns how many.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expiry <= now()`)
	if err != nil {
		return 0, fmt.Errorf("session store: delete expired: %w", postgres.Translate(err))
	}
	return tag.RowsAffected(), nil
}

// The context-free methods satisfy scs.Store; scs calls the Ctx variants.

// Find implements scs.Store.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *Store) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete implements scs.Store.
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }
