// Package sse is the server-sent events broker: one per process, with
// subscribers per topic, a bounded buffer per subscriber (a slow one is
// dropped, never waited for), and the HTTP stream that writes events,
// heartbeats and the final "reconnect" on shutdown (stream.go). Relay
// (relay.go) feeds it from PostgreSQL LISTEN/NOTIFY so that every instance
// sees every committed change. Which topics a request may subscribe to is
// decided by the feature that owns them, never here.
package sse

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Event is one server-sent event. ID is the event-log ID: increasing, so a
// client that reconnects with Last-Event-ID can be sent what it missed. An
// event with ID 0 carries no id: line (control events such as "reload").
type Event struct {
	ID   int64
	Name string
	Data string
	wire []byte // the encoded event, set by Publish: encoded once, written to every stream
}

// Gauge and Counter are the metrics the broker updates (sse_streams_open,
// sse_subscribers_dropped_total); a Prometheus Gauge and Counter satisfy them.
type (
	Gauge interface {
		Inc()
		Dec()
	}
	Counter interface{ Inc() }
)

// Options configure a Broker; zero values take the defaults.
type Options struct {
	// Buffer is the events one subscriber may have waiting (default 64).
	// A subscriber whose buffer is full is dropped: its stream ends and the
	// client reconnects with Last-Event-ID, catching up from the log.
	Buffer int
	// Heartbeat is the interval of comment lines on an idle stream (15 s).
	Heartbeat time.Duration
	// WriteTimeout bounds each write to a client (10 s): a write is given
	// between half of it and all of it, since the deadline is moved only
	// once half is spent (one deadline per burst, not per write).
	WriteTimeout time.Duration
	// Retry is the reconnection delay sent to clients (3 s).
	Retry time.Duration
	// StreamsOpen and Dropped are updated when set (nil leaves them out).
	StreamsOpen Gauge
	Dropped     Counter
}

// ErrClosed is returned by Subscribe once the broker is closing.
var ErrClosed = errors.New("sse: broker closed")

// Broker fans events out to subscribers by topic. Its methods are safe for
// concurrent use.
type Broker struct {
	opts   Options
	mu     sync.Mutex
	topics map[string]map[*Subscriber]struct{}
	closed bool
	done   chan struct{}
	count  int           // subscribers registered
	beats  *time.Timer   // the next heartbeat
	beat   uint64        // heartbeats sent, to send each subscriber one per beat
	taken  int           // streams on connections taken over, running
	ended  chan struct{} // closed once closed and taken is 0 (Wait)
}

// Subscriber is one stream's queue of events. It is small on purpose: an
// idle stream costs its queue and nothing else here (no timer, no second
// channel); heartbeats, drops and shutdown all come through the queue or
// the broker's one done channel.
type Subscriber struct {
	events  chan *Event // shared, read-only: one copy per Publish, not per subscriber; closed when dropped
	topics  []string
	removed bool   // guarded by Broker.mu
	beat    uint64 // the last heartbeat queued, guarded by Broker.mu
}

// heartbeat is queued to every subscriber every Options.Heartbeat.
var heartbeat = &Event{wire: []byte(": ping\n\n")}

// NewBroker returns a Broker with opts.
func NewBroker(opts Options) *Broker {
	if opts.Buffer <= 0 {
		opts.Buffer = 64
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Retry <= 0 {
		opts.Retry = 3 * time.Second
	}
	b := &Broker{opts: opts, topics: map[string]map[*Subscriber]struct{}{}, done: make(chan struct{}), ended: make(chan struct{})}
	b.beats = time.AfterFunc(opts.Heartbeat, b.heartbeat)
	return b
}

// heartbeat queues a comment line for every subscriber: one timer for the
// broker rather than one per stream (a stream's heartbeat is then at most
// Heartbeat apart, as with its own ticker). A subscriber whose buffer is
// full is dropped, as for an event.
func (b *Broker) heartbeat() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.beat++
	for _, subs := range b.topics {
		for s := range subs {
			if s.beat != b.beat {
				s.beat = b.beat
				b.queue(s, heartbeat)
			}
		}
	}
	b.beats.Reset(b.opts.Heartbeat)
}

// Subscribe registers a subscriber to topics. Call Unsubscribe when done.
// It returns ErrClosed while the server shuts down.
func (b *Broker) Subscribe(topics ...string) (*Subscriber, error) {
	s := &Subscriber{events: make(chan *Event, b.opts.Buffer), topics: topics}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	for _, t := range topics {
		subs := b.topics[t]
		if subs == nil {
			subs = map[*Subscriber]struct{}{}
			b.topics[t] = subs
		}
		subs[s] = struct{}{}
	}
	b.count++
	return s, nil
}

// Unsubscribe removes s; calling it twice is harmless.
func (b *Broker) Unsubscribe(s *Subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.remove(s)
}

func (b *Broker) remove(s *Subscriber) {
	if s.removed {
		return
	}
	s.removed = true
	b.count--
	for _, t := range s.topics {
		if subs := b.topics[t]; subs != nil {
			delete(subs, s)
			if len(subs) == 0 {
				delete(b.topics, t)
			}
		}
	}
}

// Publish queues ev for every subscriber of any of topics, once each,
// without blocking: a subscriber whose buffer is full is dropped. The
// event is encoded here, once, and the same bytes go to every stream.
func (b *Broker) Publish(ev Event, topics ...string) {
	ev.wire = appendEvent(nil, &ev)
	shared := &ev
	b.mu.Lock()
	defer b.mu.Unlock()
	var seen map[*Subscriber]struct{}
	if len(topics) > 1 {
		seen = map[*Subscriber]struct{}{}
	}
	for _, t := range topics {
		for s := range b.topics[t] {
			if seen != nil {
				if _, ok := seen[s]; ok {
					continue
				}
				seen[s] = struct{}{}
			}
			b.queue(s, shared)
		}
	}
}

// queue puts ev in s's buffer or, when it is full, drops s: it is removed
// and its queue closed (its stream writes what is queued, then ends).
// Callers hold b.mu, which is also what makes closing safe: every send
// happens under it, and a removed subscriber gets none.
func (b *Broker) queue(s *Subscriber, ev *Event) {
	select {
	case s.events <- ev:
	default:
		b.remove(s)
		close(s.events)
		if b.opts.Dropped != nil {
			b.opts.Dropped.Inc()
		}
	}
}

// Subscribers is the number of subscribers of topic.
func (b *Broker) Subscribers(topic string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.topics[topic])
}

// Len is the number of subscribers, all topics together.
func (b *Broker) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.count
}

// Close ends every stream with a final "reconnect" event and refuses new
// subscribers. Hook it to http.Server.RegisterOnShutdown: streams never end
// by themselves, so Shutdown would otherwise wait for its timeout. Every
// stream watches one channel, so closing takes the same time for one stream
// or ten thousand. Calling it twice is harmless.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		b.beats.Stop()
		close(b.done)
		if b.taken == 0 {
			close(b.ended)
		}
	}
}

// Wait returns once Close was called and every stream on a connection
// Serve took over has ended (each sends its "reconnect" and ends at once),
// or with ctx's error. http.Server.Shutdown does not wait for connections
// taken over: call Wait after it, so that the process does not exit before
// the streams' last event is written.
func (b *Broker) Wait(ctx context.Context) error {
	select {
	case <-b.ended:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// takeOver counts a stream on a connection taken over until its end.
func (b *Broker) takeOver() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.taken++
}

func (b *Broker) givenBack() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.taken--; b.taken == 0 && b.closed {
		close(b.ended)
	}
}

// Done is closed when Close is called.
func (b *Broker) Done() <-chan struct{} { return b.done }

// Events is the subscriber's queue (for tests and custom writers). It is
// closed when the subscriber is dropped for being slow.
func (s *Subscriber) Events() <-chan *Event { return s.events }
