// Package postgres opens the connection pool, runs transactions and
// migrations, and translates driver errors that every feature shares
// (an unreachable database) into apperr kinds.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// MaxConnectTimeout caps how long opening one connection may take. pgx
// otherwise waits two minutes, which turns an outage into hung requests.
const MaxConnectTimeout = 5 * time.Second

// PingTimeout bounds the liveness ping pgxpool runs on idle connections.
const PingTimeout = time.Second

// DBTX is what repositories need: both *pgxpool.Pool and pgx.Tx satisfy
// it, so the same repository code runs inside or outside a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Open returns a pool for databaseURL with at most maxConns connections.
// It does not connect: the pool dials lazily, so the process starts (and
// /health answers) while the database is down. The URL's connect_timeout
// is capped at MaxConnectTimeout. opts (WithTracer) apply last.
func Open(databaseURL string, maxConns int32, opts ...Option) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// The parse error can echo the URL, password included: keep it out.
		return nil, errors.New("postgres: DATABASE_URL is not a valid connection string")
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 || cfg.ConnConfig.ConnectTimeout > MaxConnectTimeout {
		cfg.ConnConfig.ConnectTimeout = MaxConnectTimeout
	}
	cfg.PingTimeout = PingTimeout
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	for _, o := range opts {
		o(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	return pool, nil
}

// unavailableMessage is the safe message for an unreachable database.
const unavailableMessage = "The database is unavailable. Try again in a moment."

// dataExceptionMessage is the safe message for a value the database refused.
const dataExceptionMessage = "Some of the input cannot be stored: remove unusual characters or shorten it, and try again."

// Translate maps driver errors that every feature shares to apperr kinds;
// repositories call it on every error they return from the driver.
//
//   - "The database cannot be reached" (dial and connect failures,
//     timeouts, a closed pool during shutdown, connections cut by a server
//     shutdown, PostgreSQL's connection-exception, operator-intervention
//     and insufficient-resources classes) becomes Unavailable (503).
//   - A data exception (SQLSTATE class 22: a NUL character or invalid
//     UTF-8 (22021), a value too long (22001), bad text for a type (22P02),
//     a date or time out of range (22008), a number out of range (22003),
//     ...) becomes Invalid (422), marked apperr Bug: the input was the
//     client's, but httpx's boundary rule or the input's validation should
//     have refused it, so the responder logs it as an error.
//
// Other errors are returned unchanged.
func Translate(err error) error {
	switch {
	case err == nil:
		return nil
	case isUnavailable(err):
		return &apperr.Error{Kind: apperr.Unavailable, Message: unavailableMessage, RetryAfter: 5 * time.Second, Err: err}
	case isDataException(err):
		return &apperr.Error{Kind: apperr.Invalid, Message: dataExceptionMessage, Bug: true, Err: err}
	}
	return err
}

func isDataException(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && strings.HasPrefix(pgErr.Code, "22")
}

func isUnavailable(err error) bool {
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		class := pgErr.Code[:2]
		// 08: connection exception; 57: operator intervention (shutdown,
		// admin termination); 53: insufficient resources (too many connections).
		return class == "08" || class == "57" || class == "53"
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		pgconn.Timeout(err) || errors.Is(err, puddle.ErrClosedPool)
}
