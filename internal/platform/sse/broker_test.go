package sse_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

type counter struct{ n atomic.Int64 }

func (c *counter) Inc() { c.n.Add(1) }
func (c *counter) Dec() { c.n.Add(-1) }

func TestPublishGoesToTopicSubscribersOnce(t *testing.T) {
	b := sse.NewBroker(sse.Options{})
	own, _ := b.Subscribe("user:1")
	all, _ := b.Subscribe("user:1", "all")
	other, _ := b.Subscribe("user:2")
	b.Publish(sse.Event{ID: 1, Name: "x"}, "user:1", "all")
	if got := len(own.Events()); got != 1 {
		t.Errorf("own subscriber has %d events, want 1", got)
	}
	if got := len(all.Events()); got != 1 {
		t.Errorf("subscriber of both topics has %d events, want 1 (once each)", got)
	}
	if got := len(other.Events()); got != 0 {
		t.Errorf("another user's subscriber got %d events, want 0", got)
	}
}

func TestSlowSubscriberIsDroppedOthersKeepGoing(t *testing.T) {
	dropped := &counter{}
	b := sse.NewBroker(sse.Options{Buffer: 2, Dropped: dropped})
	slow, _ := b.Subscribe("t")
	fast, _ := b.Subscribe("t")
	for i := int64(1); i <= 3; i++ {
		b.Publish(sse.Event{ID: i}, "t")
		if i < 3 {
			<-fast.Events() // fast keeps up
		}
	}
	if dropped.n.Load() != 1 {
		t.Fatalf("dropped counter = %d, want 1 (the subscriber with a full buffer)", dropped.n.Load())
	}
	if got := len(slow.Events()); got != 2 {
		t.Errorf("dropped subscriber's buffer holds %d, want the bound 2", got)
	}
	<-slow.Events()
	<-slow.Events()
	if _, open := <-slow.Events(); open {
		t.Error("a dropped subscriber's queue is still open after what it held: its stream would not end")
	}
	if b.Subscribers("t") != 1 {
		t.Errorf("subscribers after the drop = %d, want 1", b.Subscribers("t"))
	}
	b.Publish(sse.Event{ID: 4}, "t")
	for want := int64(3); want <= 4; want++ {
		if ev := <-fast.Events(); ev == nil || ev.ID != want {
			t.Errorf("the subscriber that kept up got %v, want event %d", ev, want)
		}
	}
}

func TestSubscribeAfterCloseFails(t *testing.T) {
	b := sse.NewBroker(sse.Options{})
	b.Close()
	b.Close()
	if _, err := b.Subscribe("t"); err != sse.ErrClosed {
		t.Fatalf("Subscribe after Close: err = %v, want ErrClosed", err)
	}
}

// startStream serves one stream of topic t on a test server and returns
// its lines as they arrive.
func startStream(t *testing.T, b *sse.Broker, after int64, replay []sse.Event) (*http.Response, <-chan string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := b.Subscribe("t")
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		if err := b.Serve(w, r, sub, after, replay); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return res, lines
}

// readUntil returns the lines up to and including want, or fails after d.
func readUntil(t *testing.T, lines <-chan string, want string, d time.Duration) []string {
	t.Helper()
	var got []string
	timeout := time.After(d)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q; got %q", want, got)
			}
			got = append(got, l)
			if l == want {
				return got
			}
		case <-timeout:
			t.Fatalf("no %q within %v; got %q", want, d, got)
		}
	}
}

func TestStreamHeadersRetryReplayLiveAndNoDuplicates(t *testing.T) {
	open := &counter{}
	b := sse.NewBroker(sse.Options{StreamsOpen: open})
	res, lines := startStream(t, b, 4, []sse.Event{{ID: 5, Name: "task.created", Data: "a\nb"}, {ID: 6, Name: "task.updated", Data: "c"}})
	for h, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	got := readUntil(t, lines, "data: c", 5*time.Second)
	want := []string{"retry: 3000", "", "id: 5", "event: task.created", "data: a", "data: b", "", "id: 6", "event: task.updated", "data: c"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("stream start:\n got %q\nwant %q", got, want)
	}
	waitFor(t, func() bool { return b.Subscribers("t") == 1 })
	// 6 overlaps the replay and 3 is older than Last-Event-ID: both skipped.
	b.Publish(sse.Event{ID: 6, Name: "dup"}, "t")
	b.Publish(sse.Event{ID: 3, Name: "old"}, "t")
	b.Publish(sse.Event{ID: 7, Name: "task.deleted", Data: "7"}, "t")
	got = readUntil(t, lines, "data: 7", 5*time.Second)
	if strings.Join(got, "|") != "|id: 7|event: task.deleted|data: 7" {
		t.Errorf("live events: got %q, want only id 7", got)
	}
	if open.n.Load() != 1 {
		t.Errorf("streams open = %d, want 1", open.n.Load())
	}
}

func TestStreamHeartbeat(t *testing.T) {
	b := sse.NewBroker(sse.Options{Heartbeat: 50 * time.Millisecond})
	_, lines := startStream(t, b, 0, nil)
	readUntil(t, lines, ": ping", 2*time.Second)
	readUntil(t, lines, ": ping", 2*time.Second)
}

func TestCloseSendsReconnectAndEndsStream(t *testing.T) {
	b := sse.NewBroker(sse.Options{})
	_, lines := startStream(t, b, 0, nil)
	readUntil(t, lines, "retry: 3000", 2*time.Second)
	waitFor(t, func() bool { return b.Subscribers("t") == 1 })
	b.Close()
	readUntil(t, lines, "event: reconnect", 2*time.Second)
	for range lines { // ends: the channel closes when the body does
	}
	if b.Subscribers("t") != 0 {
		t.Error("the stream's subscriber is still registered after it ended")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
	}
}

// A client that stops reading: once the socket buffers are full the write
// deadline (or the full event buffer) ends its stream, and it is gone from
// the broker and the open-streams gauge; a client that reads is unaffected.
func TestStuckClientIsCutOff(t *testing.T) {
	open := &counter{}
	// A buffer large enough that the stuck stream is cut off by its blocked
	// write's deadline, not by an overflow while its writer still runs.
	b := sse.NewBroker(sse.Options{Buffer: 1024, WriteTimeout: 200 * time.Millisecond, StreamsOpen: open})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, _ := b.Subscribe("t")
		_ = b.Serve(w, r, sub, 0, nil)
	}))
	defer srv.Close()
	stuck, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	fmt.Fprintf(stuck, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") // and never read
	waitFor(t, func() bool { return b.Len() == 1 })
	_, reader := startStream(t, b, 0, nil)
	waitFor(t, func() bool { return b.Len() == 2 })

	big := strings.Repeat("x", 60<<10) // under bufio.Scanner's 64 KiB line limit
	deadline := time.Now().Add(10 * time.Second)
	for id := int64(1); b.Len() > 1; id++ {
		if time.Now().After(deadline) {
			t.Fatal("the stuck client was still subscribed after 10s")
		}
		b.Publish(sse.Event{ID: id, Name: "big", Data: big}, "t")
		readUntil(t, reader, "", 5*time.Second) // the reading client keeps up
	}
	// The stuck stream's Serve returns (write deadline), the other stays.
	waitFor(t, func() bool { return open.n.Load() == 1 })
	b.Publish(sse.Event{ID: 1 << 40, Name: "still", Data: "here"}, "t")
	readUntil(t, reader, "data: here", 5*time.Second)
}
