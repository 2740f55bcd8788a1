package sse_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// Over HTTP/1 Serve takes the connection over and returns at once, so the
// handler (and its middleware) end while the stream goes on: the headers
// set before Serve are sent, and live events still arrive afterwards.
func TestServeOverHTTP1ReturnsWhileTheStreamGoesOn(t *testing.T) {
	b := sse.NewBroker(sse.Options{})
	returned := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY") // as the middleware does
		sub, _ := b.Subscribe("t")
		if err := b.Serve(w, r, sub, 0, nil); err != nil {
			t.Errorf("Serve: %v", err)
		}
		close(returned)
	}))
	defer srv.Close()
	res, lines := get(t, srv.Client(), srv.URL)
	if res.ProtoMajor != 1 || res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("HTTP/%d, headers %v; want HTTP/1 with the handler's and the stream's headers", res.ProtoMajor, res.Header)
	}
	readUntil(t, lines, "retry: 3000", 5*time.Second)
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler had not returned 5s after the stream started")
	}
	b.Publish(sse.Event{ID: 1, Name: "task.created", Data: "after"}, "t")
	readUntil(t, lines, "data: after", 5*time.Second)
	res.Body.Close()
	waitFor(t, func() bool { return b.Len() == 0 }) // the client left: the stream ended
}

// Where the connection cannot be taken over (HTTP/2), Serve streams
// through the ResponseWriter and returns when the stream ends.
func TestServeOverHTTP2StreamsThroughTheResponse(t *testing.T) {
	open := &counter{}
	// A write deadline shorter than the idle gap below: HTTP/2 resets a
	// stream whose deadline passes, even with no write pending.
	b := sse.NewBroker(sse.Options{StreamsOpen: open, WriteTimeout: 200 * time.Millisecond, Heartbeat: time.Minute})
	returned := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, _ := b.Subscribe("t")
		_ = b.Serve(w, r, sub, 0, []sse.Event{{ID: 3, Name: "task.updated", Data: "replayed"}})
		close(returned)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	res, lines := get(t, srv.Client(), srv.URL)
	if res.ProtoMajor != 2 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("HTTP/%d, headers %v; want HTTP/2 with the stream's headers", res.ProtoMajor, res.Header)
	}
	readUntil(t, lines, "data: replayed", 5*time.Second)
	time.Sleep(500 * time.Millisecond) // idle past the write deadline
	b.Publish(sse.Event{ID: 4, Name: "task.created", Data: "live"}, "t")
	readUntil(t, lines, "data: live", 5*time.Second)
	select {
	case <-returned:
		t.Fatal("Serve returned while its HTTP/2 stream was open")
	default:
	}
	b.Close()
	readUntil(t, lines, "event: reconnect", 5*time.Second)
	<-returned
	if open.n.Load() != 0 || b.Len() != 0 {
		t.Errorf("after the end: %d streams open, %d subscribers; want 0 and 0", open.n.Load(), b.Len())
	}
}

// get opens url with c and returns the response and its lines as they come.
func get(t *testing.T, c *http.Client, url string) (*http.Response, <-chan string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return res, lines
}

// Wait is how shutdown waits for the streams on connections taken over:
// not done before Close; after Close, done once each sent its "reconnect".
func TestWaitReturnsOnceTakenOverStreamsEnded(t *testing.T) {
	b := sse.NewBroker(sse.Options{})
	_, lines := startStream(t, b, 0, nil)
	readUntil(t, lines, "retry: 3000", 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx); err == nil {
		t.Fatal("Wait returned before Close, with a stream open")
	}
	b.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Wait(ctx); err != nil {
		t.Fatalf("Wait after Close: %v", err)
	}
	readUntil(t, lines, "event: reconnect", time.Second)
}
