package app

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// dbProxy is a TCP proxy in front of the test database that the test can
// cut and restore, to play a database outage without touching the server.
type dbProxy struct {
	t      *testing.T
	addr   string // fixed listen address, reused on restore
	target string

	mu    sync.Mutex // guards ln and conns
	ln    net.Listener
	conns map[net.Conn]struct{}
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{t: t, addr: ln.Addr().String(), target: target, conns: map[net.Conn]struct{}{}}
	ln.Close()
	t.Cleanup(p.down)
	return p
}

// up starts accepting and forwarding connections.
func (p *dbProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy: listen %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *dbProxy) forward(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	p.conns[client], p.conns[server] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { io.Copy(server, client); server.Close() }()
	io.Copy(client, server)
	client.Close()
}

// down stops accepting and cuts every open connection, like a database
// that went away.
func (p *dbProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// via rewrites a database URL to go through the proxy.
func (p *dbProxy) via(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		p.t.Fatal(err)
	}
	u.Host = p.addr
	return u.String()
}

// TestDatabaseOutage covers T40 (boot without the database) and T39 (the
// database goes away and comes back): /health stays 200, /ready says 503
// quickly, pages answer 503 (not 500, not a hang), and everything recovers
// without a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	// An empty database: /ready can only turn 200 once the server has
	// applied the migrations itself, after the database came up.
	env["DATABASE_URL"] = pgtest.NewEmptyDatabase(t)
	u, _ := url.Parse(env["DATABASE_URL"])
	proxy := newDBProxy(t, u.Host)
	env["DATABASE_URL"] = proxy.via(env["DATABASE_URL"])
	env["MIGRATE_ON_START"] = "true"

	// T40: the process boots and listens with the database down.
	a := startApp(t, env)
	if resp, _ := get(t, a.URL+"/health"); resp.StatusCode != http.StatusOK {
		t.Errorf("/health with the database down = %d, want 200", resp.StatusCode)
	}
	resp, body := get(t, a.URL+"/ready")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"database":"unreachable"`) {
		t.Errorf("/ready with the database down = %d %s, want 503 naming the database", resp.StatusCode, body)
	}
	assertPagesUnavailable(t, a.URL)

	// The migration retry backs off up to 5 s, then the migrations run
	// (River's included): ready within 10 s on a loaded machine.
	proxy.up()
	if took := waitReady(t, a.URL, http.StatusOK, 10*time.Second); took > 10*time.Second {
		t.Errorf("ready %v after the database came up, want ≤ 10s", took)
	}
	if resp, _ := get(t, a.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET / after recovery = %d, want 200", resp.StatusCode)
	}

	// T39: the database goes away while the server runs.
	proxy.down()
	if took := waitReady(t, a.URL, http.StatusServiceUnavailable, 2*time.Second); took > time.Second {
		t.Errorf("/ready turned 503 after %v, want ≤ 1s", took)
	}
	assertPagesUnavailable(t, a.URL)

	proxy.up()
	waitReady(t, a.URL, http.StatusOK, 5*time.Second)
	if resp, _ := get(t, a.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET / after the second recovery = %d, want 200", resp.StatusCode)
	}
	if n := len(a.Logs.WithMsg(t, "migrations applied")); n != 1 {
		t.Errorf("'migrations applied' logged %d times, want once after the database came up; logs:\n%s", n, a.Logs)
	}
}

// assertPagesUnavailable checks that a database-backed page fails with a
// styled 503 (HTML and JSON), within the connect timeout. The home page
// caches what it reads (internal/home), so the request carries a session
// cookie: loading the session needs the database.
func assertPagesUnavailable(t *testing.T, baseURL string) {
	t.Helper()
	const cookie = "session=not-a-live-token; __Host-session=not-a-live-token"
	start := time.Now()
	resp, body := get(t, baseURL+"/", "Cookie", cookie)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET / with the database down = %d, want 503:\n%s", resp.StatusCode, body)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if httpxtest.Doc(t, body).Find(`[data-testid="error-page"]`).Length() != 1 {
		t.Errorf("503 is not the styled error page:\n%s", body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("GET / with the database down took %v, want ≤ 5s", d)
	}
	resp, body = get(t, baseURL+"/", "Accept", "application/json", "Cookie", cookie)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"status":503`) {
		t.Errorf("GET / (JSON) with the database down = %d %s", resp.StatusCode, body)
	}
}
