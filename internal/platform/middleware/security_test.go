package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// nonceSource is a CSP nonce source of at least 128 bits (22 base64 chars).
var nonceSource = regexp.MustCompile(`^'nonce-([A-Za-z0-9+/_-]{22,}={0,2})'$`)

// parseCSP splits a policy into directive → sources.
func parseCSP(t *testing.T, policy string) map[string][]string {
	t.Helper()
	directives := map[string][]string{}
	for d := range strings.SplitSeq(policy, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		name := strings.ToLower(fields[0])
		if _, dup := directives[name]; dup {
			t.Errorf("CSP has %q twice: %s", name, policy)
		}
		directives[name] = fields[1:]
	}
	return directives
}

// serveSecurity runs one request through SecurityHeaders and returns the
// response and the templ nonce the handler saw.
func serveSecurity(t *testing.T, opts middleware.SecurityOptions, req *http.Request) (*httptest.ResponseRecorder, string, bool) {
	t.Helper()
	var nonce string
	called := false
	h := middleware.SecurityHeaders(opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		nonce = templ.GetNonce(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<p>ok</p>"))
	}))
	rec := httptest.NewRecorder()
	httpx.UseErrorViews(httpxtest.ErrorViews)(h).ServeHTTP(rec, req)
	return rec, nonce, called
}

// cspNonce checks the script-src directive's exact shape and returns its nonce.
func cspNonce(t *testing.T, policy string) string {
	t.Helper()
	src := parseCSP(t, policy)["script-src"]
	if len(src) != 2 || src[1] != "'strict-dynamic'" {
		t.Fatalf("script-src = %q, want ['nonce-…' 'strict-dynamic']", src)
	}
	m := nonceSource.FindStringSubmatch(src[0])
	if m == nil {
		t.Fatalf("script-src nonce source = %q, want 'nonce-<at least 22 base64 chars>'", src[0])
	}
	return m[1]
}

func TestSecurityHeadersCSP(t *testing.T) {
	t.Parallel()
	rec, _, _ := serveSecurity(t, middleware.SecurityOptions{}, httptest.NewRequest(http.MethodGet, "/", nil))
	policy := rec.Result().Header.Get("Content-Security-Policy")
	if policy == "" {
		t.Fatal("no Content-Security-Policy header")
	}
	csp := parseCSP(t, policy)
	for directive, want := range map[string][]string{
		"default-src":     {"'none'"},
		"object-src":      {"'none'"},
		"base-uri":        {"'none'"},
		"frame-ancestors": {"'none'"},
		"form-action":     {"'self'"},
		"connect-src":     {"'self'"},
	} {
		if diff := cmp.Diff(want, csp[directive]); diff != "" {
			t.Errorf("CSP %s mismatch (-want +got):\n%s\npolicy: %s", directive, diff, policy)
		}
	}
	cspNonce(t, policy)
	for _, directive := range []string{"script-src", "style-src"} {
		for _, src := range csp[directive] {
			switch {
			case slices.Contains([]string{"'unsafe-inline'", "'unsafe-eval'", "data:", "http:", "https:", "*"}, strings.ToLower(src)),
				strings.Contains(src, "*"), strings.HasPrefix(src, "http"):
				t.Errorf("CSP %s allows %q: %s", directive, src, policy)
			}
		}
	}
	if strings.Contains(policy, "unsafe-") {
		t.Errorf("CSP contains an unsafe- keyword: %s", policy)
	}
}

func TestSecurityHeadersNonce(t *testing.T) {
	t.Parallel()
	const n = 1000
	seen := make(map[string]bool, n)
	for i := range n {
		rec, handlerNonce, called := serveSecurity(t, middleware.SecurityOptions{}, httptest.NewRequest(http.MethodGet, "/", nil))
		if !called {
			t.Fatal("handler not called")
		}
		nonce := cspNonce(t, rec.Result().Header.Get("Content-Security-Policy"))
		if handlerNonce != nonce {
			t.Fatalf("request %d: templ.GetNonce = %q, want the header's nonce %q", i, handlerNonce, nonce)
		}
		if seen[nonce] {
			t.Fatalf("request %d: nonce %q repeated", i, nonce)
		}
		seen[nonce] = true
	}
}

func TestSecurityHeadersStatic(t *testing.T) {
	t.Parallel()
	rec, _, _ := serveSecurity(t, middleware.SecurityOptions{}, httptest.NewRequest(http.MethodGet, "/", nil))
	h := rec.Result().Header
	for name, want := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"X-Frame-Options":              "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("Permissions-Policy = %q, want camera and geolocation disabled", pp)
	}
	for _, name := range []string{"X-XSS-Protection", "Strict-Transport-Security"} {
		if got := h.Values(name); len(got) != 0 {
			t.Errorf("%s = %q outside production, want none", name, got)
		}
	}
}

func TestSecurityHeadersHSTS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts middleware.SecurityOptions
		want string
	}{
		{"development", middleware.SecurityOptions{}, ""},
		{"production", middleware.SecurityOptions{Production: true}, "max-age=31536000; includeSubDomains"},
		{"production with hosts", middleware.SecurityOptions{Production: true, AllowedHosts: []string{"example.com"}}, "max-age=31536000; includeSubDomains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, _, _ := serveSecurity(t, tt.opts, httptest.NewRequest(http.MethodGet, "http://example.com/", nil))
			if got := rec.Result().Header.Get("Strict-Transport-Security"); got != tt.want {
				t.Errorf("Strict-Transport-Security = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSecurityHeadersAllowedHosts(t *testing.T) {
	t.Parallel()
	prod := middleware.SecurityOptions{Production: true, AllowedHosts: []string{"example.com"}}
	tests := []struct {
		name       string
		opts       middleware.SecurityOptions
		host, path string
		wantStatus int
		wantCT     string
	}{
		{"allowed host", prod, "example.com", "/", 200, "text/html; charset=utf-8"},
		{"allowed host, other case", prod, "EXAMPLE.com", "/", 200, "text/html; charset=utf-8"},
		{"allowed host with port", prod, "example.com:8443", "/", 200, "text/html; charset=utf-8"},
		{"bad host page", prod, "evil.example", "/", 400, "text/html; charset=utf-8"},
		{"bad host api", prod, "evil.example", "/api/x", 400, "application/problem+json"},
		{"suffix is not the host", prod, "example.com.evil.example", "/", 400, "text/html; charset=utf-8"},
		{"prefix is not the host", prod, "evil.example.com", "/", 400, "text/html; charset=utf-8"},
		{"bad port", prod, "example.com:x", "/", 400, "text/html; charset=utf-8"},
		{"development ignores hosts", middleware.SecurityOptions{AllowedHosts: []string{"example.com"}}, "evil.example", "/", 200, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Host = tt.host
			req.Header.Set("Accept", "text/html")
			rec, _, called := serveSecurity(t, tt.opts, req)
			resp := rec.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantCT)
			}
			if wantCalled := tt.wantStatus == 200; called != wantCalled {
				t.Errorf("handler called = %v, want %v", called, wantCalled)
			}
			body := rec.Body.String()
			if tt.wantStatus != 400 {
				if body != "<p>ok</p>" {
					t.Errorf("body = %q, want the handler's", body)
				}
				return
			}
			if strings.Contains(strings.ToLower(body), "evil") || strings.Contains(strings.ToLower(resp.Header.Get("Location")), "evil") {
				t.Errorf("response echoes the bad host:\n%s", body)
			}
			if tt.wantCT == "application/problem+json" {
				if !strings.Contains(body, `"status":400`) {
					t.Errorf("problem body = %s, want status 400", body)
				}
				return
			}
			doc := mustDoc(t, body)
			if got := strings.TrimSpace(doc.Find(`[data-testid="error-status"]`).Text()); got != "400" {
				t.Errorf("error page status = %q, want %q:\n%s", got, "400", body)
			}
		})
	}
}
