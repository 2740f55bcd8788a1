package middleware_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

func TestBodyLimitDecodeJSON(t *testing.T) {
	t.Parallel()
	const limit = 64
	tests := []struct {
		name     string
		body     string
		wantKind apperr.Kind
		wantErr  bool
	}{
		{"under the limit", `{"title":"short"}`, 0, false},
		{"over the limit", `{"title":"` + strings.Repeat("a", 2*limit) + `"}`, apperr.TooLarge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				Title string `json:"title"`
			}
			var decodeErr error
			h := middleware.BodyLimit(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				decodeErr = httpx.DecodeJSON(w, r, &got)
			}))
			req := httptest.NewRequest(http.MethodPost, "/api/x", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(httptest.NewRecorder(), req)
			if !tt.wantErr {
				if decodeErr != nil {
					t.Fatalf("DecodeJSON() = %v, want nil", decodeErr)
				}
				if got.Title != "short" {
					t.Errorf("Title = %q, want %q", got.Title, "short")
				}
				return
			}
			if k := apperr.KindOf(decodeErr); k != tt.wantKind {
				t.Errorf("KindOf(DecodeJSON()) = %v, want %v; err: %v", k, tt.wantKind, decodeErr)
			}
		})
	}
}

func TestBodyLimitWholeChainIs413(t *testing.T) {
	t.Parallel()
	h := middleware.BodyLimit(16)(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in map[string]string
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	req := httptest.NewRequest(http.MethodPost, "/api/x", strings.NewReader(`{"title":"`+strings.Repeat("a", 100)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
}

func TestBodyLimitGETWithoutBody(t *testing.T) {
	t.Parallel()
	var body io.ReadCloser
	var n int
	h := middleware.BodyLimit(1)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body = r.Body
		b, _ := io.ReadAll(r.Body)
		n = len(b)
		_, _ = w.Write([]byte("ok"))
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Errorf("response = %d %q, want 200 %q", rec.Code, rec.Body.String(), "ok")
	}
	if body != http.NoBody {
		t.Errorf("r.Body = %T, want http.NoBody left alone", body)
	}
	if n != 0 {
		t.Errorf("read %d bytes, want 0", n)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	allowed := []string{"https://app.example.org"}
	tests := []struct {
		name       string
		method     string
		origin     string
		preflight  string // Access-Control-Request-Method
		wantACAO   string
		wantMethod bool
		wantNext   bool
	}{
		{"allowed origin", http.MethodGet, "https://app.example.org", "", "https://app.example.org", false, true},
		{"allowed origin POST", http.MethodPost, "https://app.example.org", "", "https://app.example.org", false, true},
		{"other origin", http.MethodGet, "https://attacker.example", "", "", false, true},
		{"similar origin", http.MethodGet, "https://app.example.org.attacker.example", "", "", false, true},
		{"other scheme", http.MethodGet, "http://app.example.org", "", "", false, true},
		{"null origin", http.MethodGet, "null", "", "", false, true},
		{"no origin", http.MethodGet, "", "", "", false, true},
		{"preflight from allowed origin", http.MethodOptions, "https://app.example.org", http.MethodPost, "https://app.example.org", true, false},
		{"preflight from other origin", http.MethodOptions, "https://attacker.example", http.MethodPost, "", false, false},
		{"preflight from null", http.MethodOptions, "null", http.MethodDelete, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &okHandler{}
			h := middleware.CORS(allowed)(next)
			req := httptest.NewRequest(tt.method, "http://api.example.com/api/x", nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.preflight != "" {
				req.Header.Set("Access-Control-Request-Method", tt.preflight)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()

			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantACAO)
			}
			if got := resp.Header.Values("Access-Control-Allow-Origin"); len(got) > 1 {
				t.Errorf("Access-Control-Allow-Origin sent %d times: %q", len(got), got)
			}
			if tt.wantACAO != "" {
				if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
					t.Errorf("Access-Control-Allow-Credentials = %q, want %q", got, "true")
				}
			}
			if tt.origin != "" && !hasToken(resp.Header.Values("Vary"), "Origin") {
				t.Errorf("Vary = %q, want it to include Origin", resp.Header.Values("Vary"))
			}
			allowMethods := resp.Header.Get("Access-Control-Allow-Methods")
			if tt.wantMethod {
				if !strings.Contains(allowMethods, tt.preflight) {
					t.Errorf("Access-Control-Allow-Methods = %q, want it to include %s", allowMethods, tt.preflight)
				}
				if resp.StatusCode/100 != 2 {
					t.Errorf("preflight status = %d, want 2xx", resp.StatusCode)
				}
			} else if allowMethods != "" {
				t.Errorf("Access-Control-Allow-Methods = %q, want none", allowMethods)
			}
			if got, want := next.Calls(), map[bool]int{true: 1, false: 0}[tt.wantNext]; got != want {
				t.Errorf("handler called %d times, want %d", got, want)
			}
		})
	}
}

func TestCORSPreflightAllowedHeaders(t *testing.T) {
	t.Parallel()
	h := middleware.CORS([]string{"https://app.example.org"})(&okHandler{})
	req := httptest.NewRequest(http.MethodOptions, "http://api.example.com/api/x", nil)
	req.Header.Set("Origin", "https://app.example.org")
	req.Header.Set("Access-Control-Request-Method", http.MethodPut)
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-request-id")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	got := strings.Split(strings.ToLower(strings.ReplaceAll(rec.Header().Get("Access-Control-Allow-Headers"), " ", "")), ",")
	if diff := cmp.Diff([]string{"content-type", "x-request-id"}, got); diff != "" {
		t.Errorf("Access-Control-Allow-Headers mismatch (-want +got):\n%s", diff)
	}
	if got := rec.Header().Get("Access-Control-Max-Age"); got != "600" {
		t.Errorf("Access-Control-Max-Age = %q, want %q", got, "600")
	}

	req.Header.Set("Access-Control-Request-Headers", "authorization")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight asking for an unlisted header: Access-Control-Allow-Origin = %q, want none", got)
	}
}

// hasToken reports whether a comma-separated header holds tok.
func hasToken(values []string, tok string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), tok) {
				return true
			}
		}
	}
	return false
}
