package app

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/migrations"
)

// TestServeEndToEnd starts the whole program through Run on port 0 and
// walks the foundation's surface: home page from the database, probes,
// request IDs, access log, static assets and the error pages.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	waitReady(t, a.URL, http.StatusOK, 5*time.Second)

	resp, body := get(t, a.URL+"/", "X-Request-ID", "proxy-id.42")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d, want 200:\n%s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Request-ID"); got != "proxy-id.42" {
		t.Errorf("X-Request-ID = %q, want the incoming one kept", got)
	}
	doc := httpxtest.Doc(t, body)
	if v := strings.TrimSpace(doc.Find(`[data-testid="db-version"]`).Text()); !regexp.MustCompile(`^\d+(\.\d+)?`).MatchString(v) {
		t.Errorf("home page database version = %q, want a PostgreSQL version", v)
	}
	if v := strings.TrimSpace(doc.Find(`[data-testid="schema-version"]`).Text()); v != strconv.FormatInt(latestMigration(t), 10) {
		t.Errorf("home page schema version = %q, want %d", v, latestMigration(t))
	}

	resp, body = get(t, a.URL+"/health")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Errorf("GET /health = %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, a.URL+"/ready")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"database":"ok"`) || !strings.Contains(body, `"schema":"ok"`) {
		t.Errorf("GET /ready = %d %s", resp.StatusCode, body)
	}

	lines := a.Logs.WithMsg(t, "http request")
	var found bool
	for _, l := range lines {
		if l["route"] == "/" && l["request_id"] == "proxy-id.42" && l["status"] == float64(200) && l["method"] == "GET" {
			found = true
		}
	}
	if !found {
		t.Errorf("no access-log line for GET / with request_id and route; lines: %v", lines)
	}
}

// TestErrorPagesAndExtraneousPaths covers T6 and T5: nothing extra is
// exposed, and error responses are styled, typed and carry a charset.
func TestErrorPagesAndExtraneousPaths(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	tests := []struct {
		method, path string
		header       []string
		wantStatus   int
		wantType     string
	}{
		{"GET", "/no-such-page", nil, 404, "text/html; charset=utf-8"},
		{"GET", "/.git/config", nil, 404, "text/html; charset=utf-8"},
		{"GET", "/debug/pprof/", nil, 404, "text/html; charset=utf-8"},
		{"GET", "/static/", nil, 404, "text/html; charset=utf-8"},
		{"GET", "/static/css/", nil, 404, "text/html; charset=utf-8"},
		{"TRACE", "/", nil, 405, "text/html; charset=utf-8"},
		{"GET", "/api/v1/nothing", nil, 404, "application/problem+json"},
		{"GET", "/no-such-page", []string{"HX-Request", "true"}, 404, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		resp, body := do(t, tt.method, a.URL+tt.path, nil, tt.header...)
		if resp.StatusCode != tt.wantStatus || resp.Header.Get("Content-Type") != tt.wantType {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.wantStatus, tt.wantType)
		}
		if strings.Contains(body, "goroutine ") || strings.Contains(body, ".go:") {
			t.Errorf("%s %s leaks a stack trace:\n%s", tt.method, tt.path, body)
		}
		if tt.wantType == "text/html; charset=utf-8" && len(tt.header) == 0 {
			if httpxtest.Doc(t, body).Find(`[data-testid="error-page"]`).Length() != 1 {
				t.Errorf("%s %s: not the styled error page:\n%s", tt.method, tt.path, body)
			}
		}
	}
}

// TestSecurityHeadersOnEveryResponse samples every response class (T1)
// and checks the CSP nonce on pages (T3).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	_, home := get(t, a.URL+"/")
	css, ok := httpxtest.Doc(t, home).Find(`link[rel="stylesheet"]`).Attr("href")
	if !ok {
		t.Fatal("home page has no stylesheet link")
	}
	for _, path := range []string{"/", "/health", "/ready", "/nope", "/api/v1/nope", css} {
		resp, _ := get(t, a.URL+path)
		h := resp.Header
		for name, want := range map[string]string{
			"X-Content-Type-Options":       "nosniff",
			"Referrer-Policy":              "strict-origin-when-cross-origin",
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
			"X-Frame-Options":              "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, name, got, want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("Permissions-Policy") == "" {
			t.Errorf("GET %s: CSP %q, Permissions-Policy %q", path, h.Get("Content-Security-Policy"), h.Get("Permissions-Policy"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("GET %s: HSTS outside production", path)
		}
		if h.Get("X-Powered-By") != "" || h.Get("Server") != "" || h.Get("X-XSS-Protection") != "" {
			t.Errorf("GET %s: extraneous headers %v", path, h)
		}
	}

	// T7: versioned static assets are immutable and cookie-free.
	resp, _ := get(t, a.URL+css)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("GET %s = %d, Cache-Control %q, Set-Cookie %q", css, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Set-Cookie"))
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet Content-Type = %q", resp.Header.Get("Content-Type"))
	}
}

// nonceRE matches the whole script-src directive, so a malformed policy
// (a doubled quote, a missing 'strict-dynamic') cannot pass.
var nonceRE = regexp.MustCompile(`(?:^|; )script-src 'nonce-([A-Za-z0-9+/=_-]+)' 'strict-dynamic'(?:;|$)`)

// TestCSPNonces is T3: a fresh nonce of at least 128 bits per response,
// and every <script> on the page carries it; no inline handlers or styles.
func TestCSPNonces(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	seen := make(map[string]bool, 1000)
	for i := range 1000 {
		resp, body := get(t, a.URL+"/")
		m := nonceRE.FindStringSubmatch(resp.Header.Get("Content-Security-Policy"))
		if m == nil {
			t.Fatalf("request %d: no nonce in CSP %q", i, resp.Header.Get("Content-Security-Policy"))
		}
		nonce := m[1]
		if len(nonce) < 22 {
			t.Fatalf("nonce %q is shorter than 128 bits", nonce)
		}
		if seen[nonce] {
			t.Fatalf("nonce %q repeated after %d requests", nonce, i)
		}
		seen[nonce] = true
		if i > 0 {
			continue // the page checks below need one page only
		}
		doc := httpxtest.Doc(t, body)
		scripts := doc.Find("script")
		if scripts.Length() == 0 {
			t.Fatal("home page has no <script>: expected htmx and app.js")
		}
		scripts.Each(func(_ int, s *goquery.Selection) {
			if got, _ := s.Attr("nonce"); got != nonce {
				t.Errorf("<script src=%q> nonce = %q, want the header's %q", s.AttrOr("src", ""), got, nonce)
			}
		})
		if doc.Find("style, [style]").Length() > 0 {
			t.Error("page has inline styles")
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, attr := range s.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(attr.Key), "on") {
					t.Errorf("inline handler %s=%q on <%s>", attr.Key, attr.Val, goquery.NodeName(s))
				}
			}
		})
	}
}

// TestHeaderAndHostAbuse is T26: oversized headers get 431, and in
// production a Host outside ALLOWED_HOSTS gets 400 without echoing it.
func TestHeaderAndHostAbuse(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	env["APP_ENV"] = "production"
	env["BASE_URL"] = "https://app.example.com"
	env["ALLOWED_HOSTS"] = "app.example.com"
	env["SMTP_URL"] = "smtp://mail.example.com:25"
	a := startApp(t, env)

	resp, _ := get(t, a.URL+"/health", "X-Huge", strings.Repeat("a", 100<<10))
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers = %d, want 431", resp.StatusCode)
	}

	resp, body := get(t, a.URL+"/", "Host", "evil.example")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("Host evil.example = %d, want 400", resp.StatusCode)
	}
	if strings.Contains(body, "evil.example") || strings.Contains(resp.Header.Get("Location"), "evil.example") {
		t.Errorf("response echoes the bad host:\n%s", body)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the bad-host 400 lacks the security headers: %v", resp.Header)
	}

	// Probes come by IP address (Docker's HEALTHCHECK, a kubelet): exempt.
	for _, probe := range []string{"/health", "/ready"} {
		if resp, _ := get(t, a.URL+probe, "Host", "10.1.2.3:8080"); resp.StatusCode == http.StatusBadRequest {
			t.Errorf("GET %s by IP address = 400: probes must pass the host check", probe)
		}
	}
	resp, _ = get(t, a.URL+"/health", "Host", "app.example.com")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("allowed Host = %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
		t.Errorf("production HSTS = %q", got)
	}
}

func latestMigration(t *testing.T) int64 {
	t.Helper()
	entries, err := migrations.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var latest int64
	for _, e := range entries {
		prefix, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(prefix, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
