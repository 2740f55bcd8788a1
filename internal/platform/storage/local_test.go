package storage

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

// TestLocalExpiredAndForeignURLs: an expired URL and a key outside the
// store are refused.
func TestLocalExpiredAndForeignURLs(t *testing.T) {
	prefix, _ := url.Parse("http://example.test/storage")
	l, err := NewLocal(t.TempDir(), []byte("secret secret secret secret secret"), prefix)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	l.now = func() time.Time { return past }
	up, err := l.PresignUpload(context.Background(), "uploads/1/old", "application/pdf", 4, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	l.now = time.Now
	r := chi.NewRouter()
	r.Route("/storage", l.Routes)
	for _, tt := range []struct {
		name, url string
		want      int
	}{
		{"expired", up.URL, http.StatusForbidden},
		{"path traversal", strings.Replace(up.URL, "uploads/1/old", "uploads/%2e%2e/%2e%2e/etc", 1), http.StatusNotFound},
		{"no signature", "http://example.test/storage/uploads/1/old", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodPut, tt.url, strings.NewReader("%PDF"))
		req.Header.Set("Content-Type", "application/pdf")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s: PUT = %d, want %d", tt.name, rec.Code, tt.want)
		}
	}
	if _, err := l.PresignUpload(context.Background(), "../x", "application/pdf", 4, time.Minute); err == nil {
		t.Error("PresignUpload of an invalid key = nil error")
	}
}
