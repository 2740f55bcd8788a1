package session

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// countingDB counts the store's writes (Exec).
type countingDB struct {
	postgres.DBTX
	writes atomic.Int64
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.writes.Add(1)
	return c.DBTX.Exec(ctx, sql, args...)
}

// TestIdleStoreWritesOnlyWhenDue: a request that only reads the session
// writes nothing and sets no cookie; once the touch interval has passed,
// one read pushes the expiry back; a session idle past the timeout is gone.
func TestIdleStoreWritesOnlyWhenDue(t *testing.T) {
	t.Parallel()
	const idle, touch = 2 * time.Second, 500 * time.Millisecond
	pool := pgtest.NewPool(t)
	db := &countingDB{DBTX: pool}
	opts := Options{IdleTimeout: idle, Lifetime: time.Hour, TouchInterval: touch}
	m := New(pool, opts) // as the app configures scs, but counting the store's writes
	m.Store = newIdleStore(db, opts)

	resp, _ := get(m, nil, "put")
	cookie := resp.Cookies()[0]
	if n := db.writes.Load(); n != 1 {
		t.Fatalf("sign-in: %d writes, want 1", n)
	}
	for range 3 {
		resp, user := get(m, cookie, "")
		if user != 42 || len(resp.Cookies()) != 0 {
			t.Errorf("plain GET: user %d, cookies %v; want 42 and no Set-Cookie", user, resp.Cookies())
		}
	}
	if n := db.writes.Load(); n != 1 {
		t.Errorf("after 3 plain GETs: %d writes, want still 1 (no session write per request)", n)
	}

	time.Sleep(touch + 100*time.Millisecond)
	if _, user := get(m, cookie, ""); user != 42 {
		t.Fatalf("after the touch interval: user %d, want 42", user)
	}
	if n := db.writes.Load(); n != 2 {
		t.Errorf("after the touch interval: %d writes, want 2 (one touch)", n)
	}
	var left time.Duration
	if err := db.QueryRow(t.Context(), `SELECT expiry - now() FROM sessions`).Scan(&left); err != nil || left < idle-300*time.Millisecond || left > idle {
		t.Errorf("expiry after the touch is %v away (%v), want about %v", left, err, idle)
	}

	time.Sleep(idle + 200*time.Millisecond)
	if _, user := get(m, cookie, ""); user != 0 {
		t.Errorf("after %v idle: user %d, want the session gone", idle, user)
	}
}

// get serves GET / through m; with action "put" the handler stores user
// 42, otherwise it reads the user. It returns the response and the user.
func get(m *scs.SessionManager, cookie *http.Cookie, action string) (*http.Response, int) {
	var user int
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if action == "put" {
			m.Put(r.Context(), "user", 42)
		}
		user = m.GetInt(r.Context(), "user")
	}))
	req := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
	req = req.WithContext(logging.WithLogger(req.Context(), slog.New(slog.DiscardHandler)))
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result(), user
}
