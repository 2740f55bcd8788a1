package app

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSSEBehindNginx runs the stream through Debian's nginx on loopback,
// configured as a site that compresses its text responses, streams
// included (gzip_types text/event-stream): nginx then holds a buffered
// response, headers and all, until its gzip buffer fills or the response
// ends, and only the stream's X-Accel-Buffering: no (which turns
// buffering off, so each chunk is flushed through gzip) lets the first
// frame and a live event through at once. Without that header this test
// fails (checked by removing it). The response must really be compressed,
// or the test would prove nothing about buffering.
func TestSSEBehindNginx(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
		}
	}
	a := startApp(t, testEnv(t))
	waitReady(t, a.URL, http.StatusOK, 10*time.Second)
	proxy := startNginx(t, bin, a.URL)
	alice := signUpClient(t, a.URL, "nginx@example.com") // cookies are per host, not per port

	start := time.Now()
	resp, r := openStream(t, alice, proxy) // fails if the header or retry: is held back
	t.Logf("retry: through nginx after %v", time.Since(start))
	if !resp.Uncompressed { // Go's client asked for gzip and undid it
		t.Fatalf("the stream through nginx was not gzip-compressed (Content-Encoding lost): the test would not exercise buffering")
	}
	resp, err = alice.PostForm(a.URL+"/tasks", url.Values{"title": {"through nginx"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %v %v", resp, err)
	}
	resp.Body.Close()
	sent := time.Now()
	if f := r.NextEvent(t, time.Second); f.Event != "task.created" {
		t.Fatalf("through nginx: got %+v, want task.created", f)
	}
	t.Logf("event through nginx after %v", time.Since(sent))
}

// startNginx runs nginx in the foreground on a free loopback port,
// proxying to upstream with nginx's defaults (proxy buffering on) and gzip
// for text responses including text/event-stream, and returns its URL; it
// stops with the test.
func startNginx(t *testing.T, bin, upstream string) string {
	t.Helper()
	addr := freeAddr(t)
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events {}
http {
	access_log off;
	gzip on;
	gzip_types text/plain text/css application/json text/event-stream;
	client_body_temp_path %[2]s/body; proxy_temp_path %[2]s/proxy; fastcgi_temp_path %[2]s/fcgi;
	uwsgi_temp_path %[2]s/uwsgi; scgi_temp_path %[2]s/scgi;
	server {
		listen %[3]s;
		location / {
			proxy_pass %[4]s;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_read_timeout 1h;
		}
	}
}
`, user, dir, addr, upstream)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM is nginx's fast shutdown: the master stops its workers too
	// (SIGKILL would orphan them).
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not proxy /health within 10s:\n%s", log)
		}
	}
}
