package sse

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
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

// relayBatch is how many events one catch-up query reads.
const relayBatch = 1000

// Relay feeds a Broker from a Source, woken by PostgreSQL NOTIFY on one
// channel. It holds one dedicated connection (not from the request pool)
// for LISTEN; when that connection breaks (a database restart, a killed
// backend) it reconnects with backoff and catches up from the log, from
// the last ID it published: no gap, no duplicate. Notifications are only
// wake-ups; the rows are read from the log, so a lost notification costs
// nothing once the next one (or a reconnect) arrives.
type Relay struct {
	conn    *pgx.ConnConfig
	channel string
	source  Source
	broker  *Broker
	log     *slog.Logger
	last    int64
	started bool
	// Connects counts LISTEN sessions started (for tests and logs).
	connects atomic.Int64
}

// NewRelay returns a Relay; conn is the database to LISTEN on (a copy of
// the pool's connection config).
func NewRelay(conn *pgx.ConnConfig, channel string, src Source, b *Broker, log *slog.Logger) *Relay {
	return &Relay{conn: conn, channel: channel, source: src, broker: b, log: log}
}

// Connects is the number of LISTEN sessions started so far.
func (r *Relay) Connects() int64 { return r.connects.Load() }

// Run relays until ctx is done, reconnecting as often as needed.
func (r *Relay) Run(ctx context.Context) {
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		began := time.Now()
		err := r.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > 10*time.Second {
			delay = 100 * time.Millisecond // it worked for a while: retry fast
		}
		r.log.Warn("sse relay: LISTEN connection lost; reconnecting", "channel", r.channel, "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// session connects, LISTENs, catches up, then relays each notification
// until the connection fails.
func (r *Relay) session(ctx context.Context) error {
	if !r.started {
		// Events before the first start were before any subscriber.
		head, err := r.source.Head(ctx)
		if err != nil {
			return err
		}
		r.last, r.started = head, true
	}
	conn, err := pgx.ConnectConfig(ctx, r.conn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{r.channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	r.connects.Add(1)
	// LISTEN is on: anything committed from now on wakes us; what
	// committed while we were away is read now.
	for {
		if err := r.catchUp(ctx); err != nil {
			return err
		}
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("wait: %w", err)
		}
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
