package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCrossOriginMatrix is T9 on a POST route of the real router: the
// Sec-Fetch-Site / Origin matrix, with the handler never reached on 403.
func TestCrossOriginMatrix(t *testing.T) {
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"same-origin", []string{"Sec-Fetch-Site", "same-origin"}, 201},
		{"none (typed URL, bookmark)", []string{"Sec-Fetch-Site", "none"}, 201},
		{"same-site", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"cross-site", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"old browser, Origin is host", []string{"Origin", "http://" + host}, 201},
		{"old browser, foreign Origin", []string{"Origin", "https://attacker.example"}, 403},
		{"Origin null", []string{"Origin", "null"}, 403},
		{"no browser headers (curl)", nil, 201},
		{"trusted BASE_URL origin", []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://localhost:8080"}, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/test/form", "/api/test/json"} {
				body, ct := "title=x", "application/x-www-form-urlencoded"
				if strings.HasPrefix(path, "/api/") {
					body, ct = `{"title":"x"}`, "application/json"
				}
				resp, got := do(t, http.MethodPost, srv.URL+path, strings.NewReader(body), append([]string{"Content-Type", ct}, tt.header...)...)
				if resp.StatusCode != tt.want {
					t.Errorf("POST %s = %d, want %d: %s", path, resp.StatusCode, tt.want, got)
				}
				if tt.want == 403 {
					wantType := "text/html; charset=utf-8"
					if strings.HasPrefix(path, "/api/") {
						wantType = "application/problem+json"
					}
					if resp.Header.Get("Content-Type") != wantType {
						t.Errorf("POST %s 403 Content-Type = %q, want %q", path, resp.Header.Get("Content-Type"), wantType)
					}
				}
			}
		})
	}
	// Safe methods pass whatever the headers say.
	resp, _ := get(t, srv.URL+"/", "Sec-Fetch-Site", "cross-site", "Origin", "https://attacker.example")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("cross-site GET / = %d, want 200", resp.StatusCode)
	}
}

// TestCORS is T8: no CORS headers unless configured; then only the listed
// origins, echoed exactly.
func TestCORS(t *testing.T) {
	off := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer off.Close()
	resp, _ := do(t, http.MethodOptions, off.URL+"/api/test/json", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS off: Access-Control-Allow-Origin = %q", got)
	}

	cfg := testConfig(t)
	cfg.CORSAllowedOrigins = []string{"https://app.example"}
	on := httptest.NewServer(newTestRouter(t, cfg, io.Discard))
	defer on.Close()
	for origin, want := range map[string]string{"https://app.example": "https://app.example", "https://evil.example": "", "null": ""} {
		resp, _ := do(t, http.MethodOptions, on.URL+"/api/test/json", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
	}
	resp, _ = do(t, http.MethodPost, on.URL+"/api/test/json", strings.NewReader(`{"title":"x"}`),
		"Content-Type", "application/json", "Origin", "https://app.example", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("cross-site POST from the allowed origin = %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}
