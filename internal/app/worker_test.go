package app

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestWorkerProcess runs `app worker` as its own process beside `serve`
// (JOBS_IN_PROCESS off, as in production): a sign-up's verification email
// is sent by the worker even though the server stopped right after the
// response; the worker answers /ready on WORKER_HTTP_ADDR; SIGTERM turns
// it 503 and the process exits 0.
func TestWorkerProcess(t *testing.T) {
	t.Parallel()
	bin, err := buildBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	env := testEnv(t)
	env["JOBS_IN_PROCESS"] = "false"
	env["MIGRATE_ON_START"] = "false" // testEnv's database is migrated

	// serve: sign up, then stop at once.
	srv := startApp(t, env)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm(srv.URL+"/signup", url.Values{"email": {"worker-test@example.com"}, "password": {alicePassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up = %d, want 303", resp.StatusCode)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	env["WORKER_HTTP_ADDR"] = "127.0.0.1:0"
	cmd := exec.Command(bin, "worker")
	cmd.Env = environ(env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addr, mailed, stopped := make(chan string, 1), make(chan string, 1), make(chan struct{}, 1)
	readAll := make(chan struct{}) // closed when the process's output ends
	go func() {
		defer close(readAll)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			switch line["msg"] {
			case "worker running":
				addr <- line["addr"].(string)
			case "mail not sent (development)":
				mailed <- line["to"].(string) + " " + line["subject"].(string)
			case "worker stopped":
				stopped <- struct{}{}
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatal("the worker did not start")
	}
	waitReady(t, base, http.StatusOK, 5*time.Second)
	select {
	case got := <-mailed:
		if !strings.HasPrefix(got, "worker-test@example.com Confirm your email address") {
			t.Errorf("mailed %q, want the verification email to worker-test@example.com", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the worker sent no verification email")
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	// Wait closes the pipe: read the output to its end first.
	go func() { <-readAll; exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("worker exit after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the worker did not exit after SIGTERM")
	}
	select {
	case <-stopped:
	default:
		t.Error(`no "worker stopped" log line`)
	}
}

// TestServeRunsJobsOnAFreshDatabase is `make dev` on a new database:
// serve migrates (River's tables included) and only then starts its
// in-process worker, which sends the sign-up email.
func TestServeRunsJobsOnAFreshDatabase(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	env["DATABASE_URL"] = pgtest.NewEmptyDatabase(t)
	env["MIGRATE_ON_START"] = "true"
	env["JOBS_IN_PROCESS"] = "true"
	a := startApp(t, env)
	waitReady(t, a.URL, http.StatusOK, 15*time.Second)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm(a.URL+"/signup", url.Values{"email": {"fresh@example.com"}, "password": {alicePassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up = %d, want 303", resp.StatusCode)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(a.Logs.WithMsg(t, "mail not sent (development)")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the in-process worker sent no email; logs:\n%s", a.Logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if lines := a.Logs.WithMsg(t, "the job worker did not start"); len(lines) > 0 {
		t.Errorf("worker start failed: %v", lines)
	}
}

// TestServeFailsWhenTheWorkerCannotStart: with the worker in the process
// and migrations not run on start, serve refuses to start on a database
// without River's tables rather than serving with no worker.
func TestServeFailsWhenTheWorkerCannotStart(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	env["DATABASE_URL"] = pgtest.NewEmptyDatabase(t)
	env["MIGRATE_ON_START"] = "false"
	env["JOBS_IN_PROCESS"] = "true"
	done := make(chan error, 1)
	go func() {
		done <- Run(t.Context(), []string{"app", "serve"}, environ(env), strings.NewReader(""), io.Discard, io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "job worker") {
			t.Fatalf("Run = %v, want an error starting the job worker", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve kept running with a worker that could not start")
	}
}
