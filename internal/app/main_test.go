package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// testApp is the whole program started through Run.
type testApp struct {
	URL  string
	Logs *logtest.Buffer
	stop context.CancelFunc
	done chan error
}

// testEnv is a valid test configuration on a fresh migrated database.
func testEnv(t testing.TB) map[string]string {
	t.Helper()
	return map[string]string{
		"APP_ENV":              "test",
		"HTTP_ADDR":            "127.0.0.1:0",
		"ADMIN_ADDR":           "127.0.0.1:0",
		"BASE_URL":             "http://localhost:8080",
		"DATABASE_URL":         pgtest.NewDatabase(t),
		"SECRET_KEY":           testSecret,
		"STORAGE_DIR":          t.TempDir(),
		"LOG_LEVEL":            "debug",
		"LOG_FORMAT":           "json",
		"SHUTDOWN_DRAIN_DELAY": "0s",
		"SHUTDOWN_TIMEOUT":     "5s",
	}
}

// startApp runs the program with env (as `app serve`) and waits until it
// listens. The program is stopped when the test ends.
func startApp(t testing.TB, env map[string]string) *testApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a := &testApp{Logs: &logtest.Buffer{}, stop: cancel, done: make(chan error, 1)}
	go func() {
		a.done <- Run(ctx, []string{"app", "serve"}, environ(env), strings.NewReader(""), a.Logs, io.Discard)
	}()
	t.Cleanup(func() {
		if err := a.Stop(); err != nil {
			t.Errorf("Run returned %v after stop", err)
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if lines := a.Logs.WithMsg(t, "http server listening"); len(lines) > 0 {
			a.URL = "http://" + lines[0]["addr"].(string)
			return a
		}
		select {
		case err := <-a.done:
			a.done <- err
			t.Fatalf("Run exited before listening: %v\nlogs:\n%s", err, a.Logs)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("app did not listen within 10s; logs:\n%s", a.Logs)
	return nil
}

// Stop cancels Run's context (like SIGTERM) and returns Run's result.
func (a *testApp) Stop() error {
	a.stop()
	select {
	case err := <-a.done:
		a.done <- err // keep it for a second Stop
		return err
	case <-time.After(30 * time.Second):
		return errors.New("Run did not return within 30s of stop")
	}
}

// waitReady polls /ready until it answers want or the timeout passes, and
// returns how long that took.
func waitReady(t *testing.T, baseURL string, want int, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var last int
	for time.Since(start) < timeout {
		resp, err := http.Get(baseURL + "/ready")
		if err == nil {
			last = resp.StatusCode
			resp.Body.Close()
			if last == want {
				return time.Since(start)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("/ready did not answer %d within %v (last %d)", want, timeout, last)
	return 0
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	return do(t, http.MethodGet, url, nil, header...)
}

func do(t *testing.T, method, url string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, string(b)
}
