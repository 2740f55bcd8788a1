package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// statementLog is a pgx tracer that records every statement sent, and
// how many round trips they took (a pgx.Batch is one, whatever it holds).
type statementLog struct {
	mu    sync.Mutex
	sql   []string
	trips int
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.record(d.SQL, true)
	return ctx
}

func (l *statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (l *statementLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	l.mu.Lock()
	l.trips++
	l.mu.Unlock()
	return ctx
}

func (l *statementLog) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	l.record(d.SQL, false)
}

func (l *statementLog) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (l *statementLog) record(sql string, trip bool) {
	l.mu.Lock()
	l.sql = append(l.sql, strings.Join(strings.Fields(sql), " "))
	if trip {
		l.trips++
	}
	l.mu.Unlock()
}

// quiet waits until no statement has been sent for d (at most 10 s), and
// forgets what was.
func (l *statementLog) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	n := -1
	within(t, 10*time.Second, "the pool falls quiet", func() bool {
		l.mu.Lock()
		m := len(l.sql)
		l.mu.Unlock()
		if m == n {
			return true
		}
		n = m
		time.Sleep(d)
		return false
	})
	l.take()
}

// take returns the statements and round trips recorded since the last
// take.
func (l *statementLog) take() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, n := l.sql, l.trips
	l.sql, l.trips = nil, 0
	return s, n
}

// TestStatementsPerRequest counts the SQL each hot page sends (issue 15):
// a regression that adds a query, or a session write, to every request
// fails here. Signed in: the session and the list (the user comes from
// the user cache, live once the instance's listener is on), and on the
// page the newest event ID batched with the list; anonymous home: nothing
// (its database facts are cached).
func TestStatementsPerRequest(t *testing.T) {
	t.Parallel()
	stmts := &statementLog{}
	in := startInstance(t, pgtest.NewDatabase(t), stmts)
	base, f := in.url, in.f
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if _, err := f.accounts.CreateUser(t.Context(), "stmts@example.com", alicePassword, account.RoleUser, true); err != nil {
		t.Fatal(err)
	}
	if resp := send(t, c, http.MethodPost, base+"/login", url.Values{"email": {"stmts@example.com"}, "password": {alicePassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d, want 303", resp.StatusCode)
	}
	for i := range 25 {
		form := url.Values{"title": {fmt.Sprintf("Task %d", i)}}
		if resp := send(t, c, http.MethodPost, base+"/tasks", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create task = %d, want 303", resp.StatusCode)
		}
	}
	// The relay reads each creation's event on the pool; let it finish.
	stmts.quiet(t, 200*time.Millisecond)
	anon := &http.Client{}
	tests := []struct {
		name   string
		client *http.Client
		path   string
		want   int // statements
		trips  int // round trips
	}{
		// The page also reads the newest task event ID, where its live
		// stream starts (one index-only max()), in the list's batch.
		{"signed-in tasks page", c, "/tasks?limit=25", 3, 2},
		{"signed-in API list", c, "/api/v1/tasks?limit=25", 2, 2},
		{"anonymous home", anon, "/", 0, 0},
	}
	// The large page travels compressed (middleware.Compress in the router).
	if resp := send(t, c, http.MethodGet, base+"/tasks?limit=25", nil, "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("tasks page with Accept-Encoding: gzip: Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	for _, tt := range tests {
		send(t, tt.client, http.MethodGet, base+tt.path, nil) // warm: the caches, a due session touch
		for range 3 {
			stmts.take()
			if resp := send(t, tt.client, http.MethodGet, base+tt.path, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: GET %s = %d", tt.name, tt.path, resp.StatusCode)
			}
			if got, trips := stmts.take(); len(got) != tt.want || trips != tt.trips {
				t.Errorf("%s: %d statements in %d round trips, want %d in %d:\n  %s", tt.name, len(got), trips, tt.want, tt.trips, strings.Join(got, "\n  "))
			}
		}
	}
}
