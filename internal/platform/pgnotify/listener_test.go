package pgnotify_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// recorder is a Handler that records what it is told, in order.
type recorder struct {
	mu      sync.Mutex
	calls   []string // "resync", "lost" or the payload
	failing int      // Resync fails this many times first
}

func (r *recorder) Notify(p string) { r.add(p) }
func (r *recorder) Lost()           { r.add("lost") }
func (r *recorder) Resync(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing > 0 {
		r.failing--
		return errors.New("resync failed")
	}
	r.calls = append(r.calls, "resync")
	return nil
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.calls = append(r.calls, s)
	r.mu.Unlock()
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
	}
}

// TestListener: one connection LISTENs on every channel; each
// notification reaches its channel's handlers only, in order; a killed
// backend is reconnected, and each handler is told Lost, then Resync,
// before anything new; a failing Resync is retried.
func TestListener(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	l := pgnotify.New(pool.Config().ConnConfig.Copy(), slog.New(slog.DiscardHandler))
	a, b, a2 := &recorder{}, &recorder{failing: 1}, &recorder{}
	l.Handle("chan_a", a)
	l.Handle("chan_b", b)
	l.Handle("chan_a", a2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "connected (after one failed Resync)", func() bool { return l.Connects() == 1 })

	var backends int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`).Scan(&backends); err != nil || backends != 1 {
		t.Fatalf("%d LISTEN backends (err %v), want 1 for both channels", backends, err)
	}

	notify := func(ch, payload string) {
		t.Helper()
		if _, err := pool.Exec(ctx, `SELECT pg_notify($1, $2)`, ch, payload); err != nil {
			t.Fatal(err)
		}
	}
	notify("chan_a", "1")
	notify("chan_b", "2")
	notify("chan_a", "3")
	waitFor(t, "delivered", func() bool {
		return endsWith(a.seen(), "1", "3") && endsWith(a2.seen(), "1", "3") && endsWith(b.seen(), "2")
	})
	// Resync came before the notifications on each; the first connection
	// failed on b's Resync (the handlers' order is not fixed, so a may or
	// may not have been resynced on it), and every handler was told.
	for name, r := range map[string]*recorder{"chan_a": a, "second chan_a": a2, "chan_b": b} {
		got := r.seen()
		if !endsWith(got[:len(got)-len(onlyPayloads(got))], "lost", "resync") {
			t.Errorf("%s handler saw %v, want Lost (the failed first connection) and Resync before the payloads", name, got)
		}
	}
	if got, want := onlyPayloads(a.seen()), []string{"1", "3"}; !slices.Equal(got, want) {
		t.Errorf("chan_a handler got payloads %v, want %v", got, want)
	}

	var killed int
	if err := pool.QueryRow(ctx, `
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("killed %d LISTEN backends (err %v), want 1", killed, err)
	}
	waitFor(t, "reconnected", func() bool { return l.Connects() == 2 })
	notify("chan_b", "4")
	waitFor(t, "delivered after the reconnect", func() bool { return endsWith(b.seen(), "4") })
	if got := b.seen(); !endsWith(got, "2", "lost", "resync", "4") {
		t.Errorf("chan_b handler saw %v, want 2, then Lost, Resync and 4 after the reconnect", got)
	}
}

// endsWith reports whether calls ends with want.
func endsWith(calls []string, want ...string) bool {
	return len(calls) >= len(want) && slices.Equal(calls[len(calls)-len(want):], want)
}

// onlyPayloads is the trailing run of payloads in calls.
func onlyPayloads(calls []string) []string {
	i := len(calls)
	for i > 0 && calls[i-1] != "resync" && calls[i-1] != "lost" {
		i--
	}
	return calls[i:]
}

// Handle after Run is a wiring bug, and panics.
func TestHandleAfterRunPanics(t *testing.T) {
	t.Parallel()
	l := pgnotify.New(nil, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l.Run(ctx)
	defer func() {
		if recover() == nil {
			t.Error("Handle after Run did not panic")
		}
	}()
	l.Handle("late", &recorder{})
}
