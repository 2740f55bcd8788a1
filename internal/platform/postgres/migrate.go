package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrator applies the embedded goose migrations to the pool's database.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
	target   int64
}

// NewMigrator returns a Migrator for the SQL migrations in fsys (at its
// root) and the Go migrations goMigrations, run in one order by version.
// It does not touch the database.
func NewMigrator(pool *pgxpool.Pool, fsys fs.FS, goMigrations ...*goose.Migration) (*Migrator, error) {
	db := stdlib.OpenDBFromPool(pool)
	// The advisory lock keeps two instances starting at once from
	// applying the same migration twice.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(goMigrations...))
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var target int64
	if sources := p.ListSources(); len(sources) > 0 {
		target = sources[len(sources)-1].Version
	}
	return &Migrator{db: db, provider: p, target: target}, nil
}

// Close releases the migrator's database handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Target is the version of the newest embedded migration.
func (m *Migrator) Target() int64 { return m.target }

// Up applies every pending migration and returns how many ran.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("postgres: migrate up: %w", Translate(err))
	}
	return len(res), nil
}

// Down rolls back the newest applied migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.provider.Down(ctx); err != nil {
		return fmt.Errorf("postgres: migrate down: %w", Translate(err))
	}
	return nil
}

// DownTo rolls back every migration newer than version (0: all of them).
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	if _, err := m.provider.DownTo(ctx, version); err != nil {
		return fmt.Errorf("postgres: migrate down to %d: %w", version, Translate(err))
	}
	return nil
}

// Redo rolls back the newest applied migration and applies it again.
func (m *Migrator) Redo(ctx context.Context) error {
	if err := m.Down(ctx); err != nil {
		return err
	}
	if _, err := m.provider.UpByOne(ctx); err != nil {
		return fmt.Errorf("postgres: migrate redo: %w", Translate(err))
	}
	return nil
}

// Version returns the newest applied migration version (0 when none).
func (m *Migrator) Version(ctx context.Context) (int64, error) {
	v, err := m.provider.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: schema version: %w", Translate(err))
	}
	return v, nil
}

// WriteStatus prints one line per embedded migration: version, state and
// when it was applied.
func (m *Migrator) WriteStatus(ctx context.Context, w io.Writer) error {
	statuses, err := m.provider.Status(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate status: %w", Translate(err))
	}
	for _, s := range statuses {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		name := filepath.Base(s.Source.Path)
		if s.Source.Type == goose.TypeGo {
			name = fmt.Sprintf("(Go migration %d)", s.Source.Version)
		}
		if _, err := fmt.Fprintf(w, "%05d  %-40s %s\n", s.Source.Version, name, applied); err != nil {
			return err
		}
	}
	return nil
}

var migrationName = regexp.MustCompile(`^[a-z0-9_]+$`)

// CreateMigration writes an empty migration named NNNNN_name.sql into dir,
// numbered one after the highest existing file, and returns its path.
func CreateMigration(dir, name string) (string, error) {
	if !migrationName.MatchString(name) {
		return "", errors.New("postgres: migration name must be lower_snake_case (a-z, 0-9, _)")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("postgres: create migration: %w", err)
	}
	var next int64 = 1
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(prefix, 10, 64); ok && err == nil && v >= next {
			next = v + 1
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("%05d_%s.sql", next, name))
	body := "-- +goose Up\n\n\n-- +goose Down\n\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return "", fmt.Errorf("postgres: create migration: %w", err)
	}
	return path, nil
}
