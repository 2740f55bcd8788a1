package middleware_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// newCrossOrigin returns CrossOrigin around a counting handler.
func newCrossOrigin(t *testing.T, trusted []string) (http.Handler, *okHandler) {
	t.Helper()
	mw, err := middleware.CrossOrigin(trusted)
	if err != nil {
		t.Fatalf("CrossOrigin(%q) = %v", trusted, err)
	}
	next := &okHandler{}
	return httpx.UseErrorViews(httpxtest.ErrorViews)(mw(next)), next
}

func TestCrossOriginMatrix(t *testing.T) {
	t.Parallel()
	// Security checklist T9, on a POST to a host of example.com.
	tests := []struct {
		name          string
		secFetchSite  string
		origin        string
		wantForbidden bool
	}{
		{"Sec-Fetch-Site same-origin", "same-origin", "", false},
		{"Sec-Fetch-Site none", "none", "", false},
		{"Sec-Fetch-Site same-site", "same-site", "https://sub.example.com", true},
		{"Sec-Fetch-Site cross-site", "cross-site", "https://attacker.example", true},
		{"Sec-Fetch-Site cross-site without Origin", "cross-site", "", true},
		{"Sec-Fetch-Site same-origin wins over Origin", "same-origin", "https://attacker.example", false},
		{"Origin equal to host", "", "http://example.com", false},
		{"Origin equal to host, https", "", "https://example.com", false},
		{"Origin of another host", "", "https://attacker.example", true},
		{"Origin with another port", "", "http://example.com:8080", true},
		{"Origin null", "", "null", true},
		{"neither header", "", "", false},
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		for _, tt := range tests {
			for _, path := range []string{"/tasks", "/api/x"} {
				t.Run(method+"/"+tt.name+path, func(t *testing.T) {
					t.Parallel()
					h, next := newCrossOrigin(t, nil)
					req := httptest.NewRequest(method, "http://example.com"+path, strings.NewReader("title=x"))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Accept", "text/html")
					if tt.secFetchSite != "" {
						req.Header.Set("Sec-Fetch-Site", tt.secFetchSite)
					}
					if tt.origin != "" {
						req.Header.Set("Origin", tt.origin)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					resp := rec.Result()

					if !tt.wantForbidden {
						if resp.StatusCode != http.StatusOK {
							t.Errorf("status = %d, want 200", resp.StatusCode)
						}
						if next.Calls() != 1 {
							t.Errorf("handler called %d times, want 1", next.Calls())
						}
						return
					}
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("status = %d, want 403", resp.StatusCode)
					}
					if next.Calls() != 0 {
						t.Errorf("handler called %d times on a 403, want 0", next.Calls())
					}
					body := rec.Body.String()
					if path == "/api/x" {
						if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
							t.Fatalf("Content-Type = %q, want application/problem+json", ct)
						}
						var p struct {
							Status int    `json:"status"`
							Detail string `json:"detail"`
						}
						if err := json.Unmarshal([]byte(body), &p); err != nil {
							t.Fatalf("problem %q: %v", body, err)
						}
						if p.Status != 403 || p.Detail != "Cross-origin request blocked." {
							t.Errorf("problem = %+v, want status 403 and the cross-origin detail", p)
						}
						return
					}
					if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Errorf("Content-Type = %q, want text/html; charset=utf-8", ct)
					}
					doc := mustDoc(t, body)
					if got := strings.TrimSpace(doc.Find(`[data-testid="error-status"]`).Text()); got != "403" {
						t.Errorf("error page status = %q, want 403:\n%s", got, body)
					}
				})
			}
		}
	}
}

func TestCrossOriginSafeMethodsPass(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			h, next := newCrossOrigin(t, nil)
			req := httptest.NewRequest(method, "http://example.com/tasks", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://attacker.example")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200", rec.Code)
			}
			if next.Calls() != 1 {
				t.Errorf("handler called %d times, want 1", next.Calls())
			}
		})
	}
}

func TestCrossOriginTrustedOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		secFetchSite  string
		origin        string
		wantForbidden bool
	}{
		{"trusted, cross-site", "cross-site", "https://app.example.org", false},
		{"trusted, no Sec-Fetch-Site", "", "https://app.example.org", false},
		{"trusted origin is exact: other scheme", "cross-site", "http://app.example.org", true},
		{"trusted origin is exact: other port", "cross-site", "https://app.example.org:8443", true},
		{"untrusted", "cross-site", "https://attacker.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, next := newCrossOrigin(t, []string{"https://app.example.org"})
			req := httptest.NewRequest(http.MethodPost, "http://example.com/api/x", nil)
			if tt.secFetchSite != "" {
				req.Header.Set("Sec-Fetch-Site", tt.secFetchSite)
			}
			req.Header.Set("Origin", tt.origin)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			wantStatus, wantCalls := http.StatusOK, 1
			if tt.wantForbidden {
				wantStatus, wantCalls = http.StatusForbidden, 0
			}
			if rec.Code != wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, wantStatus)
			}
			if next.Calls() != wantCalls {
				t.Errorf("handler called %d times, want %d", next.Calls(), wantCalls)
			}
		})
	}
}

func TestCrossOriginRejectsBadTrustedOrigin(t *testing.T) {
	t.Parallel()
	for _, o := range []string{"example.org", "https://example.org/path", "://x"} {
		if _, err := middleware.CrossOrigin([]string{o}); err == nil {
			t.Errorf("CrossOrigin([%q]) = nil error, want one", o)
		}
	}
}
