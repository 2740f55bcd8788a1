package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		trusted    []string
		remoteAddr string
		xff        []string
		want       string
	}{
		{"no proxies: socket peer", nil, "203.0.113.7:51234", nil, "203.0.113.7"},
		{"no proxies: XFF spoofing ignored", nil, "203.0.113.7:51234", []string{"1.2.3.4"}, "203.0.113.7"},
		{"no proxies: XFF ignored even from a private peer", nil, "10.1.2.3:51234", []string{"1.2.3.4"}, "10.1.2.3"},
		{"no proxies: IPv6 peer", nil, "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"trusted peer: rightmost untrusted XFF entry", []string{"10.0.0.0/8"}, "10.1.2.3:51234", []string{"6.6.6.6, 198.51.100.9, 10.0.0.5"}, "198.51.100.9"},
		{"trusted peer: XFF over several headers", []string{"10.0.0.0/8"}, "10.1.2.3:51234", []string{"6.6.6.6", "198.51.100.9, 10.9.9.9"}, "198.51.100.9"},
		{"trusted peer: single XFF entry", []string{"10.0.0.0/8"}, "10.1.2.3:51234", []string{"198.51.100.9"}, "198.51.100.9"},
		{"untrusted peer: XFF ignored", []string{"10.0.0.0/8"}, "203.0.113.7:51234", []string{"1.2.3.4"}, "203.0.113.7"},
		{"trusted peer: garbage entry fails closed", []string{"10.0.0.0/8"}, "10.1.2.3:51234", []string{"6.6.6.6, not-an-ip"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got string
			called := false
			h := middleware.ClientIP(tt.trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				got = middleware.ClientIPFrom(r)
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remoteAddr
			if tt.xff != nil {
				req.Header["X-Forwarded-For"] = tt.xff
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if !called {
				t.Fatal("handler not called")
			}
			if got != tt.want {
				t.Errorf("ClientIPFrom() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClientIPFromWithoutMiddleware(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if got := middleware.ClientIPFrom(req); got != "" {
		t.Errorf("ClientIPFrom() without the middleware = %q, want \"\"", got)
	}
}
