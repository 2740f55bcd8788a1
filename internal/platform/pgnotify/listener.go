// Package pgnotify is each instance's one PostgreSQL LISTEN connection,
// shared by everything that reacts to NOTIFY: the event relay of each
// feature with live updates, and the caches that drop entries when
// another instance changes what they hold.
//
// Design: one dedicated connection per process, outside the request pool
// (a copy of the pool's ConnConfig), so a busy pool never delays a
// notification and a LISTEN never holds a pool connection. A notification
// is fire-and-forget in PostgreSQL: one sent while the connection is down
// (a database restart, a killed backend, a network cut) is lost. So every
// Handler is told when the connection is lost and again, with Resync,
// each time LISTEN is back on, and must then assume it missed everything
// in between: a relay re-reads its log, a cache drops all it holds.
package pgnotify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Handler reacts to the notifications of one channel.
type Handler interface {
	// Notify receives one notification's payload. The listener calls
	// every handler from its one goroutine, in the order the
	// notifications arrive, so Notify must return at once: drop an
	// entry, wake a goroutine; never wait on the database.
	Notify(payload string)
	// Resync is called after every (re)connect, once LISTEN is on for
	// every channel and before any Notify of that connection: what was
	// sent before was missed. An error ends the connection, which is
	// retried with backoff (and Resync called again).
	Resync(ctx context.Context) error
	// Lost is called when the connection ends: until the next Resync,
	// nothing arrives.
	Lost()
}

// Listener holds the LISTEN connection and dispatches each notification
// to its channel's handlers. Register every handler with Handle, then
// call Run once.
type Listener struct {
	conn *pgx.ConnConfig
	log  *slog.Logger

	mu       sync.Mutex
	handlers map[string][]Handler
	running  bool

	connects atomic.Int64
}

// New returns a Listener that connects with conn (a copy of the pool's
// ConnConfig: same database, same credentials).
func New(conn *pgx.ConnConfig, log *slog.Logger) *Listener {
	return &Listener{conn: conn, log: log, handlers: map[string][]Handler{}}
}

// Handle registers h for channel's notifications. It panics once Run has
// started: the set of channels is fixed at start-up (a wiring bug
// otherwise).
func (l *Listener) Handle(channel string, h Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		panic("pgnotify: Handle(" + channel + ") after Run")
	}
	l.handlers[channel] = append(l.handlers[channel], h)
}

// Connects is the number of LISTEN sessions started so far (each after
// every handler's Resync): for tests and logs.
func (l *Listener) Connects() int64 { return l.connects.Load() }

// Run listens until ctx is done, reconnecting after each failure with a
// backoff from 100 ms to 5 s (back to 100 ms after a session that lasted
// 10 s).
func (l *Listener) Run(ctx context.Context) {
	l.mu.Lock()
	l.running = true
	l.mu.Unlock()
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		began := time.Now()
		err := l.session(ctx)
		l.lost()
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > 10*time.Second {
			delay = 100 * time.Millisecond // it worked for a while: retry fast
		}
		l.log.Warn("pgnotify: LISTEN connection lost; reconnecting", "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// session connects, LISTENs on every channel, resyncs every handler, then
// dispatches notifications until the connection fails.
func (l *Listener) session(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, l.conn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for channel := range l.handlers {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			return fmt.Errorf("listen %s: %w", channel, err)
		}
	}
	// LISTEN is on: anything committed from now on is announced; what
	// was committed before, each handler catches up on (or forgets).
	for channel, hs := range l.handlers {
		for _, h := range hs {
			if err := h.Resync(ctx); err != nil {
				return fmt.Errorf("resync %s: %w", channel, err)
			}
		}
	}
	l.connects.Add(1)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		for _, h := range l.handlers[n.Channel] {
			h.Notify(n.Payload)
		}
	}
}

// lost tells every handler that notifications stopped.
func (l *Listener) lost() {
	for _, hs := range l.handlers {
		for _, h := range hs {
			h.Lost()
		}
	}
}
