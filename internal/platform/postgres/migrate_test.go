package postgres_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/migrations"
)

// TestMigrationsRoundTrip runs every embedded migration up, all the way
// down, and up again: each Down must undo its Up completely.
func TestMigrationsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool, err := pgxpool.New(ctx, pgtest.NewEmptyDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := migrations.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Target() < 1 {
		t.Fatalf("Target() = %d, want at least one embedded migration", m.Target())
	}

	n, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("first Up: %v", err)
	}
	goMigrations, err := migrations.Go(pool)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(mustGlob(t)) + len(goMigrations); n != want {
		t.Errorf("first Up applied %d migrations, want %d", n, want)
	}
	// River's queue is part of the schema, down path included.
	var riverTables int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'river_%'`).Scan(&riverTables); err != nil || riverTables == 0 {
		t.Errorf("River tables after Up = %d, %v; want some", riverTables, err)
	}
	assertVersion(t, m, m.Target())
	schemaAfterUp := schemaObjects(t, pool)

	if err := m.DownTo(ctx, 0); err != nil {
		t.Fatalf("DownTo(0): %v", err)
	}
	assertVersion(t, m, 0)
	if got := schemaObjects(t, pool); got != "" {
		t.Errorf("objects left after migrating down to zero:\n%s", got)
	}

	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("second Up: %v", err)
	}
	assertVersion(t, m, m.Target())
	if got := schemaObjects(t, pool); got != schemaAfterUp {
		t.Errorf("schema after up/down/up differs:\n got: %s\nwant: %s", got, schemaAfterUp)
	}

	if err := m.Redo(ctx); err != nil {
		t.Fatalf("Redo: %v", err)
	}
	assertVersion(t, m, m.Target())

	var status bytes.Buffer
	if err := m.WriteStatus(ctx, &status); err != nil {
		t.Fatalf("WriteStatus: %v", err)
	}
	if strings.Contains(status.String(), "pending") || !strings.Contains(status.String(), "applied") ||
		!strings.Contains(status.String(), "(Go migration 4)") {
		t.Errorf("status after Up:\n%s\nwant every migration applied", status.String())
	}
}

func TestMigratorReportsPendingVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.NewPool(t) // migrated with the embedded set
	extra := fstest.MapFS{}
	files, _ := migrations.FS.ReadDir(".")
	for _, f := range files {
		b, _ := migrations.FS.ReadFile(f.Name())
		extra[f.Name()] = &fstest.MapFile{Data: b}
	}
	extra["99999_future.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 1;\n")}
	m, err := postgres.NewMigrator(pool, extra)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	got, err := m.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got == m.Target() || m.Target() != 99999 {
		t.Errorf("Version = %d, Target = %d: want the database behind the newest migration", got, m.Target())
	}
}

func TestCreateMigration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"00001_a.sql", "00007_b.sql", "embed.go"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := postgres.CreateMigration(dir, "add_widgets")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "00008_add_widgets.sql"); path != want {
		t.Errorf("CreateMigration path = %q, want %q", path, want)
	}
	body, _ := os.ReadFile(path)
	if !strings.Contains(string(body), "-- +goose Up") || !strings.Contains(string(body), "-- +goose Down") {
		t.Errorf("new migration lacks Up/Down sections:\n%s", body)
	}
	for _, bad := range []string{"", "Add Widgets", "../escape", "a-b"} {
		if _, err := postgres.CreateMigration(dir, bad); err == nil {
			t.Errorf("CreateMigration(%q) = nil error, want a refusal", bad)
		}
	}
}

func assertVersion(t *testing.T, m *postgres.Migrator, want int64) {
	t.Helper()
	got, err := m.Version(t.Context())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if got != want {
		t.Errorf("Version = %d, want %d", got, want)
	}
}

// schemaObjects lists the tables, functions, types and indexes in the
// public schema, except goose's own table.
func schemaObjects(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := pool.QueryRow(t.Context(), `
SELECT COALESCE(string_agg(kind || ' ' || name, E'\n' ORDER BY kind, name), '')
FROM (
  SELECT 'relation' AS kind, c.relname::text AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname NOT LIKE 'goose_db_version%'
  UNION ALL
  SELECT 'function', p.proname::text FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'type', t.typname::text FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
) objects`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustGlob(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../../migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files found: %v", err)
	}
	return files
}
