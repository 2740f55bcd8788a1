package tasks_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/platform/sse/ssetest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

const eventWait = 5 * time.Second

func TestEventStreamAuthorizationAndHeaders(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	user := a.as(t, mustCreateUser(t, pool), auth.RoleUser)

	anon := a.srv.Client(nil)
	if resp, _ := anon.Get(tasks.TaskEventsURL()); resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("signed out: status %d, want a redirect to sign in or 401", resp.StatusCode)
	}
	for _, q := range []string{"?all=1", "?all=true"} {
		if resp, _ := user.Get(tasks.TaskEventsURL() + q); resp.StatusCode != http.StatusForbidden {
			t.Errorf("user with %s: status %d, want 403", q, resp.StatusCode)
		}
	}
	if resp, _ := user.Get(tasks.TaskEventsURL(), "Last-Event-ID", "x"); resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("Last-Event-ID: x: status %d, want 400 or 422", resp.StatusCode)
	}

	resp := user.Stream(tasks.TaskEventsURL())
	want := map[string]string{
		"Content-Type":           "text/event-stream",
		"Cache-Control":          "no-store",
		"X-Accel-Buffering":      "no",
		"X-Content-Type-Options": "nosniff",
	}
	for h, v := range want {
		if got := resp.Header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("the stream has no %s header, unlike pages", h)
		}
	}
}

// A change made through instance A reaches a subscriber on instance B (two
// brokers, two LISTEN connections, one database); another user's stream
// stays quiet; an admin with ?all=1 sees it.
func TestEventsCrossInstances(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	b := newInstance(t, pool, sse.Options{})
	aliceID, bobID, adminID := mustCreateUser(t, pool), mustCreateUser(t, pool), mustCreateUser(t, pool)
	aliceOnA := a.as(t, aliceID, auth.RoleUser)
	aliceOnB := b.open(t, b.as(t, aliceID, auth.RoleUser), "")
	bobOnB := b.open(t, b.as(t, bobID, auth.RoleUser), "")
	adminOnB := b.open(t, b.as(t, adminID, auth.RoleAdmin), "?all=1")

	start := time.Now()
	id := mustAddTask(t, aliceOnA, titleForm("from A"))
	created := aliceOnB.NextEvent(t, eventWait)
	if created.Event != "task.created" || taskOf(t, created) != id || created.ID == "" {
		t.Fatalf("B got %+v, want task.created of %d with an id", created, id)
	}
	t.Logf("commit on A to delivery on B: %v", time.Since(start))
	if f := adminOnB.NextEvent(t, eventWait); f.ID != created.ID {
		t.Errorf("admin's ?all=1 stream got %+v, want event %s", f, created.ID)
	}

	if resp, body := aliceOnA.Post(tasks.TaskStatusURL(id), map[string][]string{"status": {"done"}}, asHTMX...); resp.StatusCode != http.StatusOK {
		t.Fatalf("status change: %d %s", resp.StatusCode, body)
	}
	if resp, body := aliceOnA.Do(http.MethodDelete, tasks.TaskURL(id), nil, asHTMX...); resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	var names []string
	last, _ := strconv.ParseInt(created.ID, 10, 64)
	for range 2 {
		f := aliceOnB.NextEvent(t, eventWait)
		n, _ := strconv.ParseInt(f.ID, 10, 64)
		if n <= last || taskOf(t, f) != id {
			t.Errorf("event %+v: id not above %d or wrong task", f, last)
		}
		last = n
		names = append(names, f.Event)
	}
	if strings.Join(names, ",") != "task.updated,task.deleted" {
		t.Errorf("events after create = %v, want task.updated, task.deleted", names)
	}
	bobOnB.Quiet(t, 300*time.Millisecond)
}

// A client that reconnects with Last-Event-ID gets exactly what it missed,
// in order, then live events; beyond ReplayLimit it gets "reload".
func TestEventsReplay(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	aliceID := mustCreateUser(t, pool)
	alice := a.as(t, aliceID, auth.RoleUser)
	bob := a.as(t, mustCreateUser(t, pool), auth.RoleUser)

	first := a.open(t, alice, "")
	mustAddTask(t, alice, titleForm("seen"))
	seen := first.NextEvent(t, eventWait)

	// Missed while away: three of alice's, one of bob's (not hers).
	var missed []int64
	for i := range 3 {
		missed = append(missed, mustAddTask(t, alice, titleForm("missed "+strconv.Itoa(i))))
		if i == 1 {
			mustAddTask(t, bob, titleForm("bob's"))
		}
	}
	again := a.open(t, alice, "", "Last-Event-ID", seen.ID)
	for _, id := range missed {
		if f := again.NextEvent(t, eventWait); f.Event != "task.created" || taskOf(t, f) != id {
			t.Fatalf("replay: got %+v, want task.created of %d", f, id)
		}
	}
	live := mustAddTask(t, alice, titleForm("live"))
	if f := again.NextEvent(t, eventWait); taskOf(t, f) != live {
		t.Fatalf("after the replay: got %+v, want the live event of %d", f, live)
	}
	again.Quiet(t, 300*time.Millisecond) // no duplicates

	// More than the bound missed: one "reload".
	_, err := pool.Exec(context.Background(), `
INSERT INTO task_events (task_id, user_id, kind) SELECT 1, $1, 'updated' FROM generate_series(1, $2)`, aliceID, tasks.ReplayLimit+1)
	if err != nil {
		t.Fatal(err)
	}
	reload := a.open(t, alice, "?last_event_id="+seen.ID)
	if f := reload.NextEvent(t, eventWait); f.Event != tasks.ReloadEvent {
		t.Fatalf("beyond the replay bound: got %+v, want %q", f, tasks.ReloadEvent)
	}
}

// A page rendered before the first event opens its stream with
// ?last_event_id=0: 0 is a position, so what was committed before it
// connected is replayed; without a position the stream starts live.
func TestEventsReplayFromZero(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	alice := a.as(t, mustCreateUser(t, pool), auth.RoleUser)

	probe := a.open(t, alice, "")
	first := mustAddTask(t, alice, titleForm("before the page connected"))
	probe.NextEvent(t, eventWait) // published live: it is in the past now
	fromZero := a.open(t, alice, "?last_event_id=0")
	if f := fromZero.NextEvent(t, eventWait); f.Event != "task.created" || taskOf(t, f) != first {
		t.Fatalf("from 0: got %+v, want task.created of %d", f, first)
	}
	live := a.open(t, alice, "")
	second := mustAddTask(t, alice, titleForm("live"))
	if f := live.NextEvent(t, eventWait); taskOf(t, f) != second {
		t.Fatalf("without a position: got %+v, want only the live event of %d", f, second)
	}
	fromZero.NextEvent(t, eventWait) // the live one
	fromZero.Quiet(t, 300*time.Millisecond)
}

// The LISTEN connection is killed (as by a database restart); the relay
// reconnects and delivers what was committed meanwhile: no gap, no
// duplicate, in order.
func TestEventsRelayReconnects(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	alice := a.as(t, mustCreateUser(t, pool), auth.RoleUser)
	stream := a.open(t, alice, "")

	var killed int
	err := pool.QueryRow(context.Background(), `
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("killed %d LISTEN backends (err %v), want 1", killed, err)
	}
	var want []int64
	for i := range 5 {
		want = append(want, mustAddTask(t, alice, titleForm("during "+strconv.Itoa(i))))
	}
	waitUntil(t, func() bool { return a.listener.Connects() >= 2 })
	want = append(want, mustAddTask(t, alice, titleForm("after")))
	for _, id := range want {
		if f := stream.NextEvent(t, eventWait); taskOf(t, f) != id {
			t.Fatalf("got %+v, want the event of task %d", f, id)
		}
	}
	stream.Quiet(t, 300*time.Millisecond)
}

// Closing the broker (RegisterOnShutdown) ends every stream with a
// "reconnect" event at once, however many there are.
func TestEventsShutdownEndsStreams(t *testing.T) {
	pool := pgtest.NewPool(t)
	a := newInstance(t, pool, sse.Options{})
	alice := a.as(t, mustCreateUser(t, pool), auth.RoleUser)
	var streams []*ssetest.Reader
	for range 20 {
		streams = append(streams, a.open(t, alice, ""))
	}
	start := time.Now()
	a.broker.Close()
	for _, s := range streams {
		frames := s.Ended(t, 2*time.Second)
		if len(frames) == 0 || frames[len(frames)-1].Event != sse.ReconnectEvent {
			t.Fatalf("a stream ended with %+v, want a final %q event", frames, sse.ReconnectEvent)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("20 streams took %v to end", d)
	}
	if resp, _ := alice.Get(tasks.TaskEventsURL()); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a stream opened during shutdown: %d, want 503", resp.StatusCode)
	}
}

// The list and detail pages name their stream, starting after the newest
// event, so a change between rendering and connecting is replayed.
func TestPagesNameTheirLiveStream(t *testing.T) {
	s := newTestServer(t)
	alice := s.user(t)
	id := mustAddTask(t, alice, titleForm("mine"))
	var head int64
	if err := s.pool.QueryRow(context.Background(), `SELECT max(id) FROM task_events`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	want := tasks.TaskEventsURL() + "?last_event_id=" + strconv.FormatInt(head, 10)
	for path, scope := range map[string]string{tasks.TasksURL(): "list", tasks.TaskURL(id): "item"} {
		_, body := alice.Get(path)
		live := httpxtest.Doc(t, body).Find(`[data-testid="live-status"]`)
		if got := live.AttrOr("sse-connect", ""); got != want || live.AttrOr("data-live-scope", "") != scope || live.AttrOr("hx-ext", "") != "sse" {
			t.Errorf("%s: sse-connect=%q scope=%q hx-ext=%q, want %q %q sse", path, got, live.AttrOr("data-live-scope", ""), live.AttrOr("hx-ext", ""), want, scope)
		}
	}
	_, body := s.admin(t).Get(tasks.TasksURL() + "?all=true")
	if got := httpxtest.Doc(t, body).Find(`[data-testid="live-status"]`).AttrOr("sse-connect", ""); !strings.Contains(got, "all=1") {
		t.Errorf("admin's everyone list: sse-connect=%q, want ?all=1", got)
	}
}
