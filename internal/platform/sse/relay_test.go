package sse_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// fakeLog is an event log in memory whose reads can be made to fail.
type fakeLog struct {
	mu       sync.Mutex
	events   []sse.Message
	failHead int // how many Head calls fail next
	failRead int // how many After calls fail next
}

var errRead = errors.New("the database is down")

func (f *fakeLog) add(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, sse.Message{Event: sse.Event{ID: id, Name: "x"}, Topics: []string{"t"}})
}

func (f *fakeLog) Head(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failHead > 0 {
		f.failHead--
		return 0, errRead
	}
	if len(f.events) == 0 {
		return 0, nil
	}
	return f.events[len(f.events)-1].ID, nil
}

func (f *fakeLog) After(_ context.Context, after int64, limit int) ([]sse.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failRead > 0 {
		f.failRead--
		return nil, errRead
	}
	var out []sse.Message
	for _, m := range f.events {
		if m.ID > after && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

// TestRelayRetriesFailedReads: a first Resync whose Head fails publishes
// nothing and is not marked done; once it succeeds, events before the head
// are not published, and a read of the log that fails is retried until
// every later event arrives, in order, once.
func TestRelayRetriesFailedReads(t *testing.T) {
	log := &fakeLog{failHead: 1}
	log.add(1) // before any subscriber: never published
	b := sse.NewBroker(sse.Options{})
	sub, _ := b.Subscribe("t")
	r := sse.NewRelay(log, b, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)

	if err := r.Resync(ctx); !errors.Is(err, errRead) {
		t.Fatalf("Resync with Head failing = %v, want the read error", err)
	}
	if err := r.Resync(ctx); err != nil {
		t.Fatalf("Resync = %v", err)
	}
	log.mu.Lock()
	log.failRead = 2
	log.mu.Unlock()
	log.add(2)
	log.add(3)
	r.Notify("")
	for want := int64(2); want <= 3; want++ {
		select {
		case ev := <-sub.Events():
			if ev.ID != want {
				t.Fatalf("got event %d, want %d", ev.ID, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d did not arrive after the failed reads", want)
		}
	}
	select {
	case ev := <-sub.Events():
		t.Fatalf("got event %d again, or one from before the head", ev.ID)
	case <-time.After(300 * time.Millisecond):
	}
}
