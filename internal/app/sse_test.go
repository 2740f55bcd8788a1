package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/platform/sse/ssetest"
)

// signUpClient signs a new user up on baseURL and returns a client with
// the session cookie (sessions live in PostgreSQL, so the cookie works on
// every instance of the same database).
func signUpClient(t testing.TB, baseURL, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(baseURL+"/signup", url.Values{"email": {email}, "password": {alicePassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up: status %d, want 303", resp.StatusCode)
	}
	return c
}

// openStream opens GET /tasks/events on baseURL; it closes with the test.
func openStream(t *testing.T, c *http.Client, baseURL string) (*http.Response, *ssetest.Reader) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/tasks/events", nil)
	req.Header.Set("Accept", "text/event-stream") // as EventSource does
	// A proxy that buffers the stream holds its header too: give up then.
	noHeader := time.AfterFunc(5*time.Second, cancel)
	resp, err := c.Do(req)
	if !noHeader.Stop() {
		err = fmt.Errorf("no response header within 5s (%v)", err)
	}
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /tasks/events: %d", resp.StatusCode)
	}
	r := ssetest.NewReader(resp.Body)
	if f := r.Next(t, 5*time.Second); f.Retry != "3000" {
		t.Fatalf("first frame %+v, want retry: 3000", f)
	}
	return resp, r
}

// TestSSEAcrossInstancesAndShutdown runs two whole programs on one
// database: a task created through A reaches a stream open on B within a
// second; the stream has the pages' security headers; stopping B (as
// SIGTERM does) with 100 open streams ends each with "reconnect" and
// returns long before SHUTDOWN_TIMEOUT.
func TestSSEAcrossInstancesAndShutdown(t *testing.T) {
	env := testEnv(t)
	env["SHUTDOWN_TIMEOUT"] = "10s"
	a, b := startApp(t, env), startApp(t, env)
	waitReady(t, a.URL, http.StatusOK, 10*time.Second)
	waitReady(t, b.URL, http.StatusOK, 10*time.Second)
	alice := signUpClient(t, a.URL, "alice@example.com")

	const streams = 100
	var readers []*ssetest.Reader
	for i := range streams {
		resp, r := openStream(t, alice, b.URL)
		if i == 0 {
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("the stream has no %s header", h)
				}
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
		}
		readers = append(readers, r)
	}

	adminAddr := b.Logs.WithMsg(t, "admin server listening")[0]["addr"].(string)
	if _, metrics := get(t, "http://"+adminAddr+"/metrics"); !strings.Contains(metrics, "\nsse_streams_open 100\n") {
		t.Errorf("B's /metrics does not say sse_streams_open 100")
	}

	start := time.Now()
	resp, err := alice.PostForm(a.URL+"/tasks", url.Values{"title": {"across instances"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create on A: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, r := range []*ssetest.Reader{readers[0], readers[streams-1]} {
		f := r.NextEvent(t, time.Second)
		if f.Event != "task.created" || f.ID == "" || !strings.Contains(f.Data, `"task_id"`) {
			t.Fatalf("B's stream got %+v, want task.created with an id and the task's id", f)
		}
	}
	t.Logf("create on A to delivery on B: %v", time.Since(start))

	stopped := time.Now()
	if err := b.Stop(); err != nil {
		t.Fatalf("stop B: %v", err)
	}
	if d := time.Since(stopped); d > 3*time.Second {
		t.Errorf("B took %v to stop with %d open streams (SHUTDOWN_TIMEOUT 10s): streams were not closed", d, streams)
	}
	for _, r := range readers {
		frames := r.Ended(t, 2*time.Second)
		if len(frames) == 0 || frames[len(frames)-1].Event != sse.ReconnectEvent {
			t.Fatalf("a stream ended with %+v, want a final %q", frames, sse.ReconnectEvent)
		}
	}
}
