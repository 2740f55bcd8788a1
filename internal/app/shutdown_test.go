package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles cmd/app once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "groundwork-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "app")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/groundwork-dev/groundwork/cmd/app").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

// TestGracefulShutdownUnderLoad is T37: the real binary gets SIGTERM while
// clients hammer it. /ready turns 503 at once, the server keeps serving
// through the drain delay, no request fails, and it exits 0 in time.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	bin, err := buildBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	const drain, timeout = 1 * time.Second, 5 * time.Second
	env := testEnv(t)
	env["SHUTDOWN_DRAIN_DELAY"] = drain.String()
	env["SHUTDOWN_TIMEOUT"] = timeout.String()
	env["LOG_LEVEL"] = "info"

	cmd := exec.Command(bin, "serve")
	cmd.Env = environ(env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "http server listening" {
				addr <- line["addr"].(string)
			}
		}
	}()
	var baseURL string
	select {
	case a := <-addr:
		baseURL = "http://" + a
	case <-time.After(15 * time.Second):
		t.Fatal("binary did not start listening")
	}
	waitReady(t, baseURL, http.StatusOK, 5*time.Second)

	// Load: workers request pages until the server stops accepting.
	var (
		ok, afterSignal, failed atomic.Int64
		signalled               atomic.Bool
		wg                      sync.WaitGroup
	)
	for range 16 {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				resp, err := client.Get(baseURL + "/")
				if err != nil {
					return // connection refused: the listener is closed
				}
				_, readErr := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if readErr != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				if signalled.Load() {
					afterSignal.Add(1)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)

	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled.Store(true)
	if took := waitReady(t, baseURL, http.StatusServiceUnavailable, drain); took > 250*time.Millisecond {
		t.Errorf("/ready turned 503 %v after SIGTERM, want at once", took)
	}

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0", err)
		}
		if d := time.Since(sent); d < drain || d > drain+timeout+time.Second {
			t.Errorf("exited %v after SIGTERM, want between the drain delay %v and drain+timeout", d, drain)
		}
	case <-time.After(drain + timeout + 5*time.Second):
		t.Fatal("did not exit within drain + timeout")
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Errorf("%d requests failed or were cut during shutdown (%d succeeded)", failed.Load(), ok.Load())
	}
	if afterSignal.Load() == 0 {
		t.Error("no request was served after SIGTERM: the drain delay did not keep serving")
	}
	t.Logf("%d requests served, %d after SIGTERM", ok.Load(), afterSignal.Load())
}
