// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template database that pgtestdb migrates once per migration-set hash.
// It is imported by tests only, so pgtestdb never reaches the binary.
//
// The server comes from TEST_DATABASE_URL (or DATABASE_URL): a role that may
// create databases and roles, e.g. postgres://postgres@127.0.0.1:5432/postgres.
// `make test` starts a throwaway server and sets it. The server must run
// PostgreSQL Major: any other version fails every test that needs it.
package pgtest

import (
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/goosemigrator"

	"github.com/groundwork-dev/groundwork/migrations"
)

// NewDatabase creates a fresh database with every migration applied and
// returns its URL. The database is dropped when the test ends. Under
// `go test -short` the test is skipped.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), goosemigrator.New(".", goosemigrator.WithFS(migrations.FS))).URL()
}

// NewEmptyDatabase is NewDatabase without migrations, for testing them.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), pgtestdb.NoopMigrator{}).URL()
}

// NewPool returns a pool on a fresh migrated database (see NewDatabase),
// closed when the test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), NewDatabase(t))
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("pgtest: needs PostgreSQL; skipped in -short mode")
	}
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		raw = os.Getenv("DATABASE_URL")
	}
	if raw == "" {
		t.Fatal("pgtest: set TEST_DATABASE_URL to a PostgreSQL server (make test starts one), or run go test -short")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("pgtest: TEST_DATABASE_URL is not a URL")
	}
	checkServer(t, raw)
	password, _ := u.User.Password()
	database := u.Path
	if len(database) > 0 {
		database = database[1:]
	}
	if database == "" {
		database = "postgres"
	}
	return pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      u.Port(),
		User:                      u.User.Username(),
		Password:                  password,
		Database:                  database,
		Options:                   u.RawQuery,
		ForceTerminateConnections: true,
	}
}
