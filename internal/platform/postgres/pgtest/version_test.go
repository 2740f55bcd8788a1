package pgtest

import (
	"context"
	"testing"
)

// TestServerVersion checks the server make test started (or TEST_DATABASE_URL
// names) end to end: a database is created, migrated and queried, and the
// server is PostgreSQL Major. `make test-db-smoke` runs only this test.
func TestServerVersion(t *testing.T) {
	pool := NewPool(t)
	var num int
	var version string
	if err := pool.QueryRow(context.Background(),
		"SELECT current_setting('server_version_num')::int, version()").Scan(&num, &version); err != nil {
		t.Fatal(err)
	}
	if num/10000 != Major {
		t.Fatalf("server is %s, want PostgreSQL %d", version, Major)
	}
	t.Logf("ok: %s", version)
}
