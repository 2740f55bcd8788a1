package sse

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ReconnectEvent is the last event of every stream closed by shutdown: the
// page reconnects (to another instance, behind a load balancer) at once.
const ReconnectEvent = "reconnect"

// Serve writes sub's stream to the client until it leaves, sub is dropped
// for being slow, or the broker closes (then a final "reconnect" event).
// It sends the headers, "retry:", then replay (the events the client
// missed, read by the caller after subscribing so that nothing falls
// between), then live events, skipping any with an ID at or below the last
// one sent (replay and live overlap) or at or below after (Last-Event-ID).
// A comment line goes out every Heartbeat; nothing touches the session.
// Events are written as Publish encoded them; what is queued goes out at
// once, in one write. Every write has a deadline (Options.WriteTimeout;
// see stream). The stream ends with sub unsubscribed.
//
// Over HTTP/1 (the usual case, also behind a proxy) Serve takes the
// connection over (hijacks it through http.ResponseController, which
// reaches it through every wrapper that has Unwrap), writes the response
// head itself with the headers set so far (the middleware's security
// headers, request ID, …), hands the connection to a goroutine of its own
// and returns at once: the handler and its middleware return, and the
// request, its context values, net/http's buffers and the handler's deep
// stack are freed while the stream stays open (see serveConn). The
// response is delimited by the connection's close. Where a connection
// cannot be taken over (HTTP/2), Serve streams through the
// ResponseWriter and returns when the stream ends (serveResponse).
//
// Serve returns an error only if the stream could not start (nothing
// written yet); sub is then unsubscribed too.
func (b *Broker) Serve(w http.ResponseWriter, r *http.Request, sub *Subscriber, after int64, replay []Event) error {
	conn, _, err := http.NewResponseController(w).Hijack()
	switch {
	case err == nil:
		b.opened()
		b.takeOver()
		head := responseHead(w.Header())
		go func() {
			defer b.givenBack()
			b.serveConn(conn, head, sub, after, replay)
		}()
		return nil
	case errors.Is(err, http.ErrNotSupported):
		return b.serveResponse(w, r, sub, after, replay)
	default:
		b.Unsubscribe(sub)
		return fmt.Errorf("sse: take the connection over: %w", err)
	}
}

func (b *Broker) opened() {
	if b.opts.StreamsOpen != nil {
		b.opts.StreamsOpen.Inc()
	}
}

func (b *Broker) streamEnded(sub *Subscriber) {
	b.Unsubscribe(sub)
	if b.opts.StreamsOpen != nil {
		b.opts.StreamsOpen.Dec()
	}
}

// serveResponse is Serve through the ResponseWriter, for connections that
// cannot be taken over. The write deadline goes through
// http.ResponseController, which also lifts the server's WriteTimeout for
// this response only.
func (b *Broker) serveResponse(w http.ResponseWriter, r *http.Request, sub *Subscriber, after int64, replay []Event) error {
	b.opened()
	defer b.streamEnded(sub)
	rc := http.NewResponseController(w)
	s := &stream{out: responseSink{w, rc}, timeout: b.opts.WriteTimeout, last: after, clearAfterFlush: true}
	// The start (deadline, header, retry:, replay) runs on a short-lived
	// goroutine while this one waits, so the writer is never used by two
	// at once. Why: the first flush sends the header through net/http's
	// chunkWriter.writeHeader, whose 2.8 KiB stack frame would double this
	// goroutine's stack (4 to 8 KiB) for the stream's whole life; an idle
	// goroutine's stack shrinks only while under a quarter of it is used,
	// which net/http's own 1.1 KiB frame below us already rules out.
	var err error
	started := make(chan struct{})
	go func() {
		defer close(started)
		err = b.start(s, func() {
			setHeaders(w.Header())
			w.WriteHeader(http.StatusOK)
		}, replay)
	}()
	<-started
	if err != nil {
		return err
	}
	// Only the request's context is kept: the stream outlives everything
	// else the request carried.
	s.loop(r.Context().Done(), sub.events, b.done)
	return nil
}

// start arms the write deadline, sends the response head (writeHeader;
// nil when the head is already buffered), then retry: and replay, and
// flushes. It fails only when the deadline cannot be set; a failed write
// is left in s.err, which ends the stream's loop.
func (b *Broker) start(s *stream, writeHeader func(), replay []Event) error {
	if s.arm(); s.err != nil {
		return fmt.Errorf("sse: the response cannot take a write deadline: %w", s.err)
	}
	if writeHeader != nil {
		writeHeader()
	}
	s.write(strconv.AppendInt([]byte("retry: "), b.opts.Retry.Milliseconds(), 10), '\n', '\n')
	for _, ev := range replay {
		s.event(&ev)
	}
	s.flush()
	return nil
}

// setHeaders sets the stream's own response headers.
func setHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer this response
}

// loop is Serve's long-lived part: it waits on three channels (the client
// leaving, the queue, the broker closing) and nothing else, since each
// waiting case costs an idle stream memory. Heartbeats come through the
// queue; a dropped subscriber's queue is closed.
func (s *stream) loop(gone <-chan struct{}, events <-chan *Event, closing <-chan struct{}) {
	for s.err == nil {
		select {
		case <-gone:
			return
		case <-closing:
			s.event(&Event{Name: ReconnectEvent, Data: "shutdown"})
			s.flush()
			return
		case ev, ok := <-events:
			if !ok {
				return // dropped for being slow
			}
			s.event(ev)
			s.drain(events) // what else is queued goes in the same flush
			s.flush()
		}
	}
}

func (s *stream) drain(events <-chan *Event) {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			s.event(ev)
		default:
			return
		}
	}
}

// stream writes events; after the first error it writes nothing more.
// Every write and flush happens under a write deadline between half of
// timeout and timeout away: it is moved (timeout from now) only when less
// than half remains, so a burst of writes costs one deadline, not one per
// write, and an idle stream's expired deadline is renewed before its next
// write (on a connection an expired deadline with no write pending does
// nothing). Over a response (HTTP/2) the deadline is cleared after each
// flush instead: there it resets the stream when it passes, write pending
// or not, and a stream idles longer than timeout between heartbeats.
type stream struct {
	out      sink
	timeout  time.Duration
	deadline time.Time
	last     int64
	err      error
	// clearAfterFlush: the sink's deadline fires on an idle stream.
	clearAfterFlush bool
}

// sink is where a stream writes: a response, through net/http and
// http.ResponseController, or a connection taken over (connSink).
type sink interface {
	Write(p []byte) (int, error)
	SetWriteDeadline(time.Time) error
	Flush() error
}

// responseSink is a ResponseWriter as a sink.
type responseSink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (r responseSink) Write(p []byte) (int, error)        { return r.w.Write(p) }
func (r responseSink) SetWriteDeadline(t time.Time) error { return r.rc.SetWriteDeadline(t) }
func (r responseSink) Flush() error                       { return r.rc.Flush() }

// arm makes sure the write deadline is at least timeout/2 away.
func (s *stream) arm() {
	if now := time.Now(); s.deadline.Sub(now) < s.timeout/2 {
		s.deadline = now.Add(s.timeout)
		s.err = s.out.SetWriteDeadline(s.deadline)
	}
}

func (s *stream) write(p []byte, more ...byte) {
	if s.err != nil {
		return
	}
	if s.arm(); s.err != nil {
		return
	}
	if _, s.err = s.out.Write(p); s.err == nil && len(more) > 0 {
		_, s.err = s.out.Write(more)
	}
}

// event writes ev unless the client has it already. Events from Publish
// carry their wire form, encoded once for every subscriber.
func (s *stream) event(ev *Event) {
	if ev.ID != 0 {
		if ev.ID <= s.last {
			return
		}
		s.last = ev.ID
	}
	if ev.wire != nil {
		s.write(ev.wire)
		return
	}
	s.write(appendEvent(nil, ev))
}

// flush sends what is buffered, under the deadline.
func (s *stream) flush() {
	if s.err != nil {
		return
	}
	if s.arm(); s.err == nil {
		s.err = s.out.Flush()
	}
	if s.err == nil && s.clearAfterFlush {
		s.deadline = time.Time{}
		s.err = s.out.SetWriteDeadline(s.deadline)
	}
}

// appendEvent appends ev's wire form to dst. Data is split into data:
// lines, so a line break in it cannot end the event early; CR is dropped
// (a lone CR also ends a line in SSE).
func appendEvent(dst []byte, ev *Event) []byte {
	if ev.ID != 0 {
		dst = strconv.AppendInt(append(dst, "id: "...), ev.ID, 10)
		dst = append(dst, '\n')
	}
	dst = append(dst, "event: "...)
	dst = appendClean(dst, ev.Name, true)
	dst = append(dst, "\ndata: "...)
	dst = appendClean(dst, ev.Data, false)
	return append(dst, '\n', '\n')
}

// appendClean appends s without CR; LF is dropped (oneLine) or starts a
// new data: line.
func appendClean(dst []byte, s string, oneLine bool) []byte {
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		if s[i] == '\n' && !oneLine {
			dst = append(dst, "\ndata: "...)
		}
		s = s[i+1:]
	}
}
