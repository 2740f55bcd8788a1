package sse

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ReconnectEvent is the last event of every stream closed by shutdown: the
// page reconnects (to another instance, behind a load balancer) at once.
const ReconnectEvent = "reconnect"

// Serve writes sub's stream to w until the client leaves, sub is dropped
// for being slow, or the broker closes (then a final "reconnect" event).
// It sends the headers, "retry:", then replay (the events the client
// missed, read by the caller after subscribing so that nothing falls
// between), then live events, skipping any with an ID at or below the last
// one sent (replay and live overlap) or at or below after (Last-Event-ID).
// A comment line goes out every Heartbeat; nothing touches the session.
// Each write has its own deadline (Options.WriteTimeout) through
// http.ResponseController, which reaches the connection through every
// wrapper that has Unwrap; that also lifts the server's WriteTimeout for
// this response only. Serve unsubscribes sub before returning. It returns
// an error only if the stream could not start (no header written yet).
func (b *Broker) Serve(w http.ResponseWriter, r *http.Request, sub *Subscriber, after int64, replay []Event) error {
	defer b.Unsubscribe(sub)
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Now().Add(b.opts.WriteTimeout)); err != nil {
		return fmt.Errorf("sse: the response cannot take a write deadline: %w", err)
	}
	if b.opts.StreamsOpen != nil {
		b.opts.StreamsOpen.Inc()
		defer b.opts.StreamsOpen.Dec()
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer this response
	w.WriteHeader(http.StatusOK)

	s := stream{w: w, rc: rc, timeout: b.opts.WriteTimeout, last: after}
	s.printf("retry: %d\n\n", b.opts.Retry.Milliseconds())
	for _, ev := range replay {
		s.event(ev)
	}
	s.flush()
	heartbeat := time.NewTicker(b.opts.Heartbeat)
	defer heartbeat.Stop()
	for s.err == nil {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.dropped:
			return nil
		case <-b.done:
			s.event(Event{Name: ReconnectEvent, Data: "shutdown"})
			s.flush()
			return nil
		case <-heartbeat.C:
			s.printf(": ping\n\n")
			s.flush()
		case ev := <-sub.events:
			s.event(*ev)
			// Send what else is queued in the same flush.
			for more := true; more && len(sub.events) > 0; {
				select {
				case ev := <-sub.events:
					s.event(*ev)
				default:
					more = false
				}
			}
			s.flush()
		}
	}
	return nil
}

// stream writes events; after the first error it writes nothing more.
type stream struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
	last    int64
	err     error
}

func (s *stream) printf(format string, args ...any) {
	if s.err != nil {
		return
	}
	if s.err = s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, args...)
	}
}

// event writes ev unless the client has it already. Data is split into
// data: lines, so a line break in it cannot end the event early.
func (s *stream) event(ev Event) {
	if ev.ID != 0 {
		if ev.ID <= s.last {
			return
		}
		s.last = ev.ID
	}
	var b strings.Builder
	if ev.ID != 0 {
		b.WriteString("id: " + strconv.FormatInt(ev.ID, 10) + "\n")
	}
	b.WriteString("event: " + oneLine(ev.Name) + "\n")
	for _, line := range strings.Split(strings.ReplaceAll(ev.Data, "\r\n", "\n"), "\n") {
		b.WriteString("data: " + strings.ReplaceAll(line, "\r", "") + "\n")
	}
	b.WriteString("\n")
	s.printf("%s", b.String())
}

// flush sends what is buffered, then clears the deadline: an idle stream
// between heartbeats is not a slow write.
func (s *stream) flush() {
	if s.err != nil {
		return
	}
	if s.err = s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); s.err != nil {
		return
	}
	if s.err = s.rc.Flush(); s.err == nil {
		s.err = s.rc.SetWriteDeadline(time.Time{})
	}
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", "", "\n", "").Replace(s)
}
