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
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"

	"github.com/groundwork-dev/groundwork/migrations"
)

// NewDatabase creates a fresh database with every migration applied and
// returns its URL. The database is dropped when the test ends. Under
// `go test -short` the test is skipped.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), schemaMigrator{}).URL()
}

// schemaMigrator migrates a template database with the application's own
// migrator (migrations.NewMigrator: the SQL files and the Go migrations,
// River's schema among them), so tests run on exactly what `app migrate up`
// produces.
type schemaMigrator struct{}

// Hash identifies the migrated schema: the SQL files and River's version.
func (schemaMigrator) Hash() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "river schema %d\n", migrations.RiverSchemaVersion)
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s %d\n", path, len(data))
		h.Write(data)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Migrate applies every migration to the template database.
func (schemaMigrator) Migrate(ctx context.Context, _ *sql.DB, cfg pgtestdb.Config) error {
	pool, err := pgxpool.New(ctx, cfg.URL())
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	_, err = m.Up(ctx)
	return err
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
