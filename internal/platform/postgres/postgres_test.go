package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

func TestInTxCommitsOnSuccess(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	mustExec(t, pool, `CREATE TABLE tx_probe (id int PRIMARY KEY)`)

	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tx_probe (id) VALUES (1), (2)`)
		return err
	})
	if err != nil {
		t.Fatalf("InTx = %v, want nil", err)
	}
	if got := count(t, pool, "tx_probe"); got != 2 {
		t.Errorf("rows after commit = %d, want 2", got)
	}
}

func TestInTxRollsBackWhenFnFails(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	mustExec(t, pool, `CREATE TABLE tx_probe (id int PRIMARY KEY)`)
	errBoom := errors.New("boom")

	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tx_probe (id) VALUES (1)`); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx = %v, want %v", err, errBoom)
	}
	if got := count(t, pool, "tx_probe"); got != 0 {
		t.Errorf("rows after rollback = %d, want 0", got)
	}
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	mustExec(t, pool, `CREATE TABLE tx_probe (id int PRIMARY KEY)`)

	func() {
		defer func() {
			if recover() == nil {
				t.Error("InTx swallowed the panic")
			}
		}()
		_ = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO tx_probe (id) VALUES (1)`); err != nil {
				return err
			}
			panic("bug")
		})
	}()
	if got := count(t, pool, "tx_probe"); got != 0 {
		t.Errorf("rows after panic = %d, want 0", got)
	}
}

// TestInTxReturnsCommitError makes the COMMIT itself fail with a deferred
// foreign key: fn succeeds, so only the commit can report the problem.
func TestInTxReturnsCommitError(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	mustExec(t, pool, `CREATE TABLE parents (id int PRIMARY KEY)`)
	mustExec(t, pool, `CREATE TABLE children (id int PRIMARY KEY,
		parent_id int NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`)

	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO children (id, parent_id) VALUES (1, 42)`)
		return err // nil: the check is deferred to COMMIT
	})
	if err == nil {
		t.Fatal("InTx = nil, want the commit's foreign-key error")
	}
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok || pgErr.Code != "23503" {
		t.Errorf("InTx = %v, want a wrapped foreign_key_violation (23503)", err)
	}
	if !strings.Contains(err.Error(), "commit") {
		t.Errorf("InTx error %q does not say the commit failed", err)
	}
	if got := count(t, pool, "children"); got != 0 {
		t.Errorf("rows after failed commit = %d, want 0", got)
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	plain := errors.New("syntax error")
	tests := []struct {
		name string
		err  error
		want apperr.Kind
	}{
		{"connect error", &pgconn.ConnectError{}, apperr.Unavailable},
		{"net error", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, apperr.Unavailable},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, apperr.Unavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, apperr.Unavailable},
		{"too many connections", &pgconn.PgError{Code: "53300"}, apperr.Unavailable},
		{"unique violation stays", &pgconn.PgError{Code: "23505"}, apperr.Internal},
		{"plain error stays", plain, apperr.Internal},
		{"wrapped connect error", fmt.Errorf("query: %w", &pgconn.ConnectError{}), apperr.Unavailable},
		{"closed pool", fmt.Errorf("acquire: %w", puddle.ErrClosedPool), apperr.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postgres.Translate(tt.err)
			if k := apperr.KindOf(got); k != tt.want {
				t.Errorf("KindOf(Translate(%v)) = %v, want %v", tt.err, k, tt.want)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("Translate(%v) lost the cause", tt.err)
			}
		})
	}
	if postgres.Translate(nil) != nil {
		t.Error("Translate(nil) != nil")
	}
}

// TestOpenDatabaseDown checks that Open does not connect, and that a query
// against a server that is not there fails fast as Unavailable.
func TestOpenDatabaseDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now

	pool, err := postgres.Open("postgres://u:p@"+addr+"/db?sslmode=disable&connect_timeout=600", 2)
	if err != nil {
		t.Fatalf("Open with the database down = %v, want nil (lazy)", err)
	}
	defer pool.Close()
	if got := pool.Config().ConnConfig.ConnectTimeout; got != postgres.MaxConnectTimeout {
		t.Errorf("connect timeout = %v, want it capped at %v", got, postgres.MaxConnectTimeout)
	}
	start := time.Now()
	var one int
	err = pool.QueryRow(t.Context(), "SELECT 1").Scan(&one)
	if k := apperr.KindOf(postgres.Translate(err)); k != apperr.Unavailable {
		t.Errorf("query with the database down: kind %v (%v), want Unavailable", k, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("query with the database down took %v", d)
	}
}

func TestOpenRejectsBadURLWithoutEchoingIt(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open("postgres://user:hunter2@host:notaport/db", 1)
	if err == nil {
		t.Fatal("Open(bad URL) = nil error")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open error %q leaks the password", err)
	}
}

func mustExec(t *testing.T, db postgres.DBTX, sql string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

func count(t *testing.T, db postgres.DBTX, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
