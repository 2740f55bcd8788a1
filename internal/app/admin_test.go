package app

import (
	"bytes"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// adminURL is the admin listener's base URL, from its log line.
func adminURL(t *testing.T, a *testApp) string {
	t.Helper()
	lines := a.Logs.WithMsg(t, "admin server listening")
	if len(lines) != 1 {
		t.Fatalf("want one admin listening line, got %d; logs:\n%s", len(lines), a.Logs)
	}
	return "http://" + lines[0]["addr"].(string)
}

// TestAdminListener runs the whole program: /metrics and pprof answer on
// ADMIN_ADDR only, and the admin listener stops with the program.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	admin := adminURL(t, a)
	waitReady(t, a.URL, http.StatusOK, 10*time.Second)
	for range 3 {
		get(t, a.URL+"/health")
	}
	get(t, a.URL+"/tasks/12345") // signed out: a redirect to sign in, on the route's pattern
	get(t, a.URL+"/no/such/page/67890")

	resp, body := get(t, admin+"/metrics")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics on the admin listener = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`http_requests_total{method="GET",route="/health",status="2xx"} 3`,
		`http_requests_total{method="GET",route="/tasks/{id}",status="3xx"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="4xx"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/health",status="2xx"} 3`,
		`http_requests_in_flight 0`,
		`pgxpool_max_connections 10`,
		`pgxpool_acquires_total `,
		`login_throttle_hits_total{throttle="account"} 0`,
		`go_goroutines `,
		`process_cpu_seconds_total `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	for _, raw := range []string{"12345", "67890", "/no/such"} {
		if strings.Contains(body, raw) {
			t.Errorf("/metrics holds the raw path fragment %q", raw)
		}
	}

	if resp, body := get(t, admin+"/debug/pprof/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("GET /debug/pprof/ on the admin listener = %d", resp.StatusCode)
	}
	if resp, body := get(t, admin+"/debug/pprof/profile?seconds=1"); resp.StatusCode != http.StatusOK ||
		!bytes.HasPrefix([]byte(body), []byte{0x1f, 0x8b}) {
		t.Errorf("CPU profile = %d, %d bytes; want 200 and a gzipped profile", resp.StatusCode, len(body))
	}
	if resp, _ := get(t, admin+"/debug/pprof/heap"); resp.StatusCode != http.StatusOK {
		t.Errorf("heap profile = %d", resp.StatusCode)
	}
	// A DNS name other than localhost (DNS rebinding from a web page) is refused.
	if resp, _ := get(t, admin+"/metrics", "Host", "attacker.example:9090"); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("admin request with Host attacker.example = %d, want 421", resp.StatusCode)
	}

	// Nothing of it on the public listener.
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/profile?seconds=1", "/debug/pprof/heap"} {
		if resp, _ := get(t, a.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s on the public listener = %d, want 404", path, resp.StatusCode)
		}
	}

	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	if len(a.Logs.WithMsg(t, "admin server stopped")) != 1 {
		t.Error("no 'admin server stopped' line")
	}
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(admin, "http://"), time.Second); err == nil {
		c.Close()
		t.Error("the admin listener still accepts connections after the program stopped")
	}
}

// TestServeFailsWhenTheAdminAddressIsTaken: an admin listener that cannot
// start ends the program, like the public one.
func TestServeFailsWhenTheAdminAddressIsTaken(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	env := testEnv(t)
	env["ADMIN_ADDR"] = taken.Addr().String()
	done := make(chan error, 1)
	go func() { _, err := run(t, env, "serve"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "admin listener") {
			t.Errorf("serve with a taken ADMIN_ADDR = %v, want an admin listener error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve with a taken ADMIN_ADDR did not return")
	}
}
