package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// RiverSchemaVersion is the version of River's own schema that migration 4
// installs. Upgrading River to a release with a newer schema means a new
// Go migration here that migrates River from this version to the next, so
// that `app migrate` and /ready keep seeing one schema state.
const RiverSchemaVersion = 8

// Go returns the migrations written in Go, which goose runs in order with
// the SQL files of FS. Migration 4 installs the River job queue's tables
// with River's own migrator (River owns that SQL; we pin its version).
func Go(pool *pgxpool.Pool) ([]*goose.Migration, error) {
	river, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("migrations: river: %w", err)
	}
	migrate := func(direction rivermigrate.Direction, target int) func(context.Context, *sql.DB) error {
		return func(ctx context.Context, _ *sql.DB) error {
			_, err := river.Migrate(ctx, direction, &rivermigrate.MigrateOpts{TargetVersion: target})
			return err
		}
	}
	return []*goose.Migration{
		goose.NewGoMigration(4,
			&goose.GoFunc{RunDB: migrate(rivermigrate.DirectionUp, RiverSchemaVersion)},
			&goose.GoFunc{RunDB: migrate(rivermigrate.DirectionDown, -1)}, // -1: every River version
		),
	}, nil
}

// NewMigrator returns the migrator of the application's schema: the SQL
// files of FS and the Go migrations, in one order (see postgres.Migrator).
func NewMigrator(pool *pgxpool.Pool) (*postgres.Migrator, error) {
	goMigrations, err := Go(pool)
	if err != nil {
		return nil, err
	}
	return postgres.NewMigrator(pool, FS, goMigrations...)
}
