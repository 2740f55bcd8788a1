package home

import (
	"context"
	"fmt"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// Repository reads facts about the database the instance runs on.
type Repository struct {
	db postgres.DBTX
}

// NewRepository returns a Repository over db.
func NewRepository(db postgres.DBTX) *Repository {
	return &Repository{db: db}
}

// Database holds what the repository reports about the database.
type Database struct {
	ServerVersion string // e.g. "15.18 (Debian 15.18-0+deb12u1)"
	SchemaVersion int64  // newest applied goose migration, 0 if none
}

const selectDatabase = `
SELECT current_setting('server_version'),
       COALESCE((SELECT max(version_id) FROM goose_db_version WHERE is_applied), 0)`

// Database returns the server version and the applied schema version.
// An unreachable database is an apperr Unavailable error.
func (r *Repository) Database(ctx context.Context) (Database, error) {
	var d Database
	if err := r.db.QueryRow(ctx, selectDatabase).Scan(&d.ServerVersion, &d.SchemaVersion); err != nil {
		return Database{}, fmt.Errorf("home repository: database info: %w", postgres.Translate(err))
	}
	return d, nil
}
