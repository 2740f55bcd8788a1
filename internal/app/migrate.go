package app

import (
	"context"
	"fmt"
	"io"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/migrations"
)

// migrationsDir is where `migrate create` writes, relative to the
// repository root (the embedded copy is read-only).
const migrationsDir = "migrations"

// runMigrate implements `app migrate up|down|status|redo|create NAME`.
// It needs only DATABASE_URL (create needs nothing).
func runMigrate(ctx context.Context, args, environ []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: migrate needs a subcommand: up, down, status, redo or create NAME", errUsage)
	}
	if args[0] == "create" {
		if len(args) != 2 {
			return fmt.Errorf("%w: migrate create NAME", errUsage)
		}
		path, err := postgres.CreateMigration(migrationsDir, args[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "created %s\n", path)
		return err
	}
	if len(args) != 1 {
		return fmt.Errorf("%w: migrate %s takes no arguments", errUsage, args[0])
	}

	var cfg DatabaseConfig
	if err := loadInto(&cfg, environ); err != nil {
		return err
	}
	pool, err := postgres.Open(cfg.URL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()

	switch args[0] {
	case "up":
		n, err := m.Up(ctx)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "applied %d migration(s); schema at version %d\n", n, m.Target())
		return err
	case "down":
		return m.Down(ctx)
	case "redo":
		return m.Redo(ctx)
	case "status":
		return m.WriteStatus(ctx, stdout)
	default:
		return fmt.Errorf("%w: unknown migrate subcommand %q", errUsage, args[0])
	}
}
