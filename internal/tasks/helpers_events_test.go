package tasks_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/platform/sse/ssetest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// instance is one app instance for the live-update tests: its own broker,
// LISTEN connection and relay, and its own HTTP server, on a shared
// database.
type instance struct {
	srv      *httpxtest.Server
	broker   *sse.Broker
	listener *pgnotify.Listener
	pool     *pgxpool.Pool
}

// newInstance starts an instance on pool's database; it stops with the test.
func newInstance(t *testing.T, pool *pgxpool.Pool, opts sse.Options) *instance {
	t.Helper()
	h := httpxtest.New(t, httpxtest.Options{Pool: pool, Views: layout.ErrorViews()})
	broker := sse.NewBroker(opts)
	c := tasks.NewController(tasks.NewService(pool, time.Now), h.Flash, broker)
	srv := h.Serve(func(r chi.Router) { r.With(auth.RequireUser).Route(tasks.TasksURL(), c.Routes) })
	log, _ := logtest.New(slog.LevelDebug)
	t.Cleanup(broker.Close)
	listener := ssetest.StartRelay(t, pool.Config().ConnConfig.Copy(), c.EventFeed(), broker, log)
	return &instance{srv: srv, broker: broker, listener: listener, pool: pool}
}

// as returns a client of the instance signed in as an existing user.
func (in *instance) as(t *testing.T, userID int64, role auth.Role) *httpxtest.Client {
	t.Helper()
	if _, err := in.pool.Exec(context.Background(), `UPDATE users SET role = $2 WHERE id = $1`, userID, role); err != nil {
		t.Fatal(err)
	}
	return in.srv.Client(&auth.Identity{UserID: userID, Email: "u" + strconv.FormatInt(userID, 10) + "@example.com", Role: role})
}

// open opens GET /tasks/events (query and header pairs optional) and waits
// until the broker holds the subscription, so no event is published before.
func (in *instance) open(t *testing.T, c *httpxtest.Client, query string, header ...string) *ssetest.Reader {
	t.Helper()
	before := in.broker.Len()
	resp := c.Stream(tasks.TaskEventsURL()+query, header...)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s%s = %d, want 200", tasks.TaskEventsURL(), query, resp.StatusCode)
	}
	r := ssetest.NewReader(resp.Body)
	if f := r.Next(t, 5*time.Second); f.Retry != "3000" {
		t.Fatalf("first frame %+v, want retry: 3000", f)
	}
	waitUntil(t, func() bool { return in.broker.Len() > before })
	return r
}

// taskOf returns the task ID in an event's data, failing t if it has none.
func taskOf(t *testing.T, f ssetest.Frame) int64 {
	t.Helper()
	var d tasks.EventData
	if err := json.Unmarshal([]byte(f.Data), &d); err != nil || d.TaskID == 0 {
		t.Fatalf("event %+v: data is not EventData with a task_id (%v)", f, err)
	}
	return d.TaskID
}

func titleForm(title string) url.Values { return url.Values{"title": {title}} }

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
	}
}
