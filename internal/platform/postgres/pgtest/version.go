package pgtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Major is the PostgreSQL major version the project is developed and tested
// on; development (scripts/pg.sh), docker-compose.yml and the README name the
// same one (deploy/postgres_version_test.go checks that they agree).
const Major = 18

// serverCheck runs once per test binary: the first test that needs the server
// asks it for its version, and every test fails with the same message if it
// is not PostgreSQL Major.
var serverCheck struct {
	once sync.Once
	err  error
}

// checkServer fails the test unless the server at url runs PostgreSQL Major.
// A server that cannot be reached is left to pgtestdb, which reports it.
func checkServer(t testing.TB, url string) {
	t.Helper()
	serverCheck.once.Do(func() { serverCheck.err = serverMajor(url) })
	if serverCheck.err != nil {
		t.Fatalf("pgtest: %v", serverCheck.err)
	}
}

func serverMajor(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil // not reachable: pgtestdb reports that, with more context
	}
	defer conn.Close(ctx)
	var num int
	var version string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, current_setting('server_version')").
		Scan(&num, &version); err != nil {
		return fmt.Errorf("read the server version: %w", err)
	}
	if num/10000 != Major {
		return fmt.Errorf("the test server runs PostgreSQL %s, but this project is developed and tested on PostgreSQL %d: "+
			"point TEST_DATABASE_URL at a PostgreSQL %d server, or unset it and DATABASE_URL so that make test starts one",
			version, Major, Major)
	}
	return nil
}
