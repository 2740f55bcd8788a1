package postgres_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestTranslateDataExceptions makes PostgreSQL itself raise each data
// exception the boundary rule is meant to make unreachable, and checks that
// Translate turns it into an Invalid error marked Bug (422, logged as an
// error by httpx.Error), not Internal, keeping the driver error as cause.
func TestTranslateDataExceptions(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	mustExec(t, pool, `CREATE TABLE short_texts (s varchar(3))`)
	tests := []struct {
		name, code, sql string
		args            []any
	}{
		{"NUL in text", "22021", `SELECT $1::text`, []any{"a\x00b"}},
		{"invalid UTF-8", "22021", `SELECT $1::text`, []any{"a\xffb"}},
		{"too long for the column", "22001", `INSERT INTO short_texts (s) VALUES ($1)`, []any{"abcd"}},
		{"not a number", "22P02", `SELECT $1::text::bigint`, []any{"12x"}},
		{"date out of range", "22008", `SELECT $1::text::date`, []any{"2026-13-45"}},
		{"number out of range", "22003", `SELECT $1::text::int`, []any{"9223372036854775808"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pool.Exec(t.Context(), tt.sql, tt.args...)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != tt.code {
				t.Fatalf("%s with %q = %v, want SQLSTATE %s", tt.sql, tt.args, err, tt.code)
			}
			got := postgres.Translate(fmt.Errorf("repository: %w", err))
			if k := apperr.KindOf(got); k != apperr.Invalid {
				t.Errorf("kind = %v, want invalid (422)", k)
			}
			if !apperr.IsBug(got) {
				t.Error("not marked Bug: a data exception means a boundary rule is missing, and must be logged")
			}
			if _, ok := apperr.InvalidFields(got); ok {
				t.Error("InvalidFields = ok: a form would swallow the error instead of the responder logging it")
			}
			if !errors.Is(got, err) {
				t.Error("the driver error is lost")
			}
			if msg := apperr.SafeMessage(got); msg == "" || msg == apperr.GenericMessage(apperr.Invalid) {
				t.Errorf("safe message = %q, want one that says the input cannot be stored", msg)
			}
		})
	}
}

// TestTranslateOtherClassesUnchanged: only class 22 is the client's input;
// a constraint violation (class 23) is a rule the service must check, so
// it stays unclassified (500) rather than being passed off as bad input.
func TestTranslateOtherClassesUnchanged(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"23505", "23514", "42601", "54000"} {
		err := &pgconn.PgError{Code: code}
		if got := postgres.Translate(err); apperr.KindOf(got) != apperr.Internal || apperr.IsBug(got) {
			t.Errorf("Translate(SQLSTATE %s) = kind %v, bug %v; want it unchanged", code, apperr.KindOf(got), apperr.IsBug(got))
		}
	}
}
