// Package ssetest reads a text/event-stream in tests: frames (events,
// comments, retry) as they arrive, with timeouts.
package ssetest

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"
)

// Frame is one block of a stream, up to its blank line: an event (ID,
// Event, Data), a comment (heartbeat) or a retry: line.
type Frame struct {
	ID, Event, Data, Retry string
	Comment                bool
}

// Reader parses a stream on its own goroutine.
type Reader struct {
	frames chan Frame
}

// NewReader reads body until it ends; close body to stop it.
func NewReader(body io.Reader) *Reader {
	r := &Reader{frames: make(chan Frame, 1024)}
	go func() {
		defer close(r.frames)
		sc := bufio.NewScanner(body)
		var f Frame
		var data []string
		empty := true
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				if !empty {
					f.Data = strings.Join(data, "\n")
					r.frames <- f
				}
				f, data, empty = Frame{}, nil, true
				continue
			}
			empty = false
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "":
				f.Comment = true
			case "id":
				f.ID = value
			case "event":
				f.Event = value
			case "data":
				data = append(data, value)
			case "retry":
				f.Retry = value
			}
		}
	}()
	return r
}

// Next returns the next frame, failing t if none arrives within d or the
// stream ends.
func (r *Reader) Next(t testing.TB, d time.Duration) Frame {
	t.Helper()
	select {
	case f, ok := <-r.frames:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return f
	case <-time.After(d):
		t.Fatalf("no frame within %v", d)
	}
	return Frame{}
}

// NextEvent returns the next frame that is an event, skipping comments
// and retry: lines.
func (r *Reader) NextEvent(t testing.TB, d time.Duration) Frame {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		f := r.Next(t, time.Until(deadline))
		if f.Event != "" || f.ID != "" {
			return f
		}
	}
}

// Quiet fails t if an event arrives within d (comments are fine).
func (r *Reader) Quiet(t testing.TB, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case f, ok := <-r.frames:
			if ok && (f.Event != "" || f.ID != "") {
				t.Fatalf("unexpected event %+v", f)
			}
			if !ok {
				return
			}
		case <-timeout:
			return
		}
	}
}

// Ended waits up to d for the stream to end and returns the frames that
// came before the end; it fails t if the stream is still open.
func (r *Reader) Ended(t testing.TB, d time.Duration) []Frame {
	t.Helper()
	var got []Frame
	timeout := time.After(d)
	for {
		select {
		case f, ok := <-r.frames:
			if !ok {
				return got
			}
			got = append(got, f)
		case <-timeout:
			t.Fatalf("the stream is still open after %v (frames: %+v)", d, got)
		}
	}
}
