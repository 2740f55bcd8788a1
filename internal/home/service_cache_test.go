package home_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// countingDB counts the statements the repository sends.
type countingDB struct {
	postgres.DBTX
	n atomic.Int64
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.DBTX.QueryRow(ctx, sql, args...)
}

// TestServiceInfoCached: the home page does not query the database per
// view; the facts are read once and then served from the cache.
func TestServiceInfoCached(t *testing.T) {
	t.Parallel()
	db := &countingDB{DBTX: pgtest.NewPool(t)}
	svc := home.NewService(home.NewRepository(db), "test", "dev")
	for range 5 {
		if info, err := svc.Info(t.Context()); err != nil || info.SchemaVersion < 1 {
			t.Fatalf("Info = %+v, %v", info, err)
		}
	}
	if n := db.n.Load(); n != 1 {
		t.Errorf("5 views ran %d queries, want 1 (cached)", n)
	}
}
