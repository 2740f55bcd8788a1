package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// instance is one app process on a shared database, in this process: its
// own pool, features (with their caches), router and LISTEN connection.
type instance struct {
	url      string
	f        features
	pool     *pgxpool.Pool
	listener *pgnotify.Listener
}

// startInstance serves the real router on its own pool of dbURL (with
// tracer, if not nil) and starts its listener as runServe does; it
// returns once the listener is on. Everything stops with the test.
func startInstance(t *testing.T, dbURL string, tracer pgx.QueryTracer) *instance {
	t.Helper()
	var opts []postgres.Option
	if tracer != nil {
		opts = append(opts, postgres.WithTracer(tracer))
	}
	pool, err := postgres.Open(dbURL, 10, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	r, f := newRouterOn(t, testConfig(t), pool, slog.New(slog.DiscardHandler), nil, jobstest.Options())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	l := startListener(ctx, &bg, pool, f, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { cancel(); bg.Wait() })
	within(t, 10*time.Second, "the listener connects", func() bool { return l.Connects() > 0 })
	return &instance{url: srv.URL, f: f, pool: pool, listener: l}
}

// within polls cond every 10 ms and fails t if it is not true within d.
func within(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// signInOn signs email in on baseURL and returns the client with the
// session cookie (which works on every instance: sessions live in
// PostgreSQL).
func signInOn(t *testing.T, baseURL, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp := send(t, c, http.MethodPost, baseURL+"/login", url.Values{"email": {email}, "password": {alicePassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s = %d, want 303", email, resp.StatusCode)
	}
	return c
}

func status(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	return send(t, c, http.MethodGet, u, nil).StatusCode
}

func mustCreate(t *testing.T, f features, email string, role account.Role) account.User {
	t.Helper()
	u, err := f.accounts.CreateUser(t.Context(), email, alicePassword, role, true)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUserCacheAcrossInstances runs two instances on one database. Bob
// signs in on B, whose user cache then holds him. A role change and then
// disabling the account, both through A, are seen on B within a second
// (NOTIFY in the writing transaction; B's listener drops Bob's entries).
func TestUserCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	a, b := startInstance(t, db, nil), startInstance(t, db, nil)
	admin := mustCreate(t, a.f, "admin@example.com", account.RoleAdmin)
	bob := mustCreate(t, a.f, "bob@example.com", account.RoleUser)
	onB := signInOn(t, b.url, "bob@example.com")
	for range 2 { // the second answer comes from B's cache
		if got := status(t, onB, b.url+"/admin/users"); got != http.StatusForbidden {
			t.Fatalf("bob (user) GET /admin/users on B = %d, want 403", got)
		}
	}

	if err := a.f.accounts.SetRole(t.Context(), admin, bob.ID, account.RoleAdmin, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	took := within(t, time.Second, "the role change through A seen on B", func() bool {
		return status(t, onB, b.url+"/admin/users") == http.StatusOK
	})
	t.Logf("role change on A to B: %v", took)

	// The admin route on A, as an admin would.
	onA := signInOn(t, a.url, "admin@example.com")
	if resp := send(t, onA, http.MethodPost, a.url+account.DisableUserURL(bob.ID), url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable through A = %d, want 303", resp.StatusCode)
	}
	took = within(t, time.Second, "the disabled account refused on B", func() bool {
		return status(t, onB, b.url+"/account") == http.StatusSeeOther // to /login
	})
	t.Logf("disable on A to refusal on B: %v", took)
}

// TestUserCacheResyncsAfterReconnect: a change B was never told about (a
// role set with SQL, no NOTIFY) is served stale from B's cache, which
// shows the cache is on; when B's LISTEN backend is killed, the listener
// reconnects and drops the cache, and B reads the change.
func TestUserCacheResyncsAfterReconnect(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	b := startInstance(t, db, nil)
	bob := mustCreate(t, b.f, "bob@example.com", account.RoleUser)
	onB := signInOn(t, b.url, "bob@example.com")
	if got := status(t, onB, b.url+"/admin/users"); got != http.StatusForbidden {
		t.Fatalf("bob (user) GET /admin/users = %d, want 403", got)
	}
	if _, err := b.pool.Exec(t.Context(), `UPDATE users SET role = 'admin' WHERE id = $1`, bob.ID); err != nil {
		t.Fatal(err)
	}
	if got := status(t, onB, b.url+"/admin/users"); got != http.StatusForbidden {
		t.Fatalf("after a silent role change GET /admin/users = %d, want 403 from the cache (is the user cached?)", got)
	}

	var killed int
	err := b.pool.QueryRow(t.Context(), `
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("killed %d LISTEN backends (err %v), want 1", killed, err)
	}
	within(t, 10*time.Second, "the listener reconnects", func() bool { return b.listener.Connects() >= 2 })
	if got := status(t, onB, b.url+"/admin/users"); got != http.StatusOK {
		t.Fatalf("after the reconnect GET /admin/users = %d, want 200 (the cache must be dropped)", got)
	}
}
