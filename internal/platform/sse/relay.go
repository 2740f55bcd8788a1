package sse

import (
	"context"
	"log/slog"
	"time"
)

// Message is an event with the topics it is published to.
type Message struct {
	Event
	Topics []string
}

// Source is a persisted, ordered event log (the feature owns it). IDs
// must become visible in increasing order (commit in ID order), so that
// reading "above the last ID seen" never skips one.
type Source interface {
	// Head returns the newest event ID (0 for an empty log).
	Head(ctx context.Context) (int64, error)
	// After returns up to limit events with IDs above after, in order.
	After(ctx context.Context, after int64, limit int) ([]Message, error)
}

// Feed is a feature's event log and the NOTIFY channel that announces
// each new row of it (sent in the transaction that inserts the row). A
// feature with live updates exposes one; the app relays every feed.
type Feed struct {
	Channel string
	Source  Source
}

// relayBatch is how many events one catch-up query reads.
const relayBatch = 1000

// Relay feeds a Broker from a Source. It is the pgnotify.Handler of the
// source's channel on the instance's one LISTEN connection: a
// notification only wakes it, and it reads every event above the last ID
// it published from the log. After the LISTEN connection breaks (a
// database restart, a killed backend) the listener reconnects and calls
// Resync, which catches up the same way: no gap, no duplicate. A lost
// notification costs nothing once the next one (or a reconnect) arrives.
// The reads run on Run's goroutine, so the listener never waits on them.
type Relay struct {
	source  Source
	broker  *Broker
	log     *slog.Logger
	wake    chan struct{} // one pending wake-up is enough: a catch-up reads everything
	last    int64         // the last ID published; Run's goroutine only, after the first Resync
	started bool          // last holds the head read at the first Resync
}

// NewRelay returns a Relay from src into b. Register it with the
// listener on the source's channel and start Run.
func NewRelay(src Source, b *Broker, log *slog.Logger) *Relay {
	return &Relay{source: src, broker: b, log: log, wake: make(chan struct{}, 1)}
}

// Notify wakes the relay: something new was committed.
func (r *Relay) Notify(string) { r.poke() }

// Resync wakes the relay to catch up on what committed while LISTEN was
// off. The first one reads the log's head: events before it were before
// any subscriber, and are not published. Until it succeeds, Run waits.
func (r *Relay) Resync(ctx context.Context) error {
	if !r.started {
		head, err := r.source.Head(ctx)
		if err != nil {
			return err
		}
		// Run reads last only after a wake-up, which the poke below
		// orders after this write.
		r.last, r.started = head, true
	}
	r.poke()
	return nil
}

// Lost does nothing: the next Resync catches up.
func (r *Relay) Lost() {}

func (r *Relay) poke() {
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Run publishes what each wake-up finds in the log, until ctx is done. A
// failed read is retried with backoff (from 100 ms to 5 s).
func (r *Relay) Run(ctx context.Context) {
	delay := 100 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		err := r.catchUp(ctx)
		if err == nil {
			delay = 100 * time.Millisecond
			continue
		}
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("sse relay: reading the event log failed; retrying", "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
		r.poke()
	}
}

// catchUp publishes every event above the last one published.
func (r *Relay) catchUp(ctx context.Context) error {
	for {
		msgs, err := r.source.After(ctx, r.last, relayBatch)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			r.broker.Publish(m.Event, m.Topics...)
			r.last = m.ID
		}
		if len(msgs) < relayBatch {
			return nil
		}
	}
}
