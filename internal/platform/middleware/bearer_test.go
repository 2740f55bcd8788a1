package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestExceptBearer: only a bearer request without cookies, under one of
// the prefixes, skips the protection.
func TestExceptBearer(t *testing.T) {
	t.Parallel()
	protect := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	}
	h := exceptBearer([]string{"/api/"}, protect)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		path, auth, cookie string
		want               int
	}{
		{"/api/v1/tasks", "Bearer gwpat_x", "", http.StatusOK},
		{"/api/v1/tasks", "bearer gwpat_x", "", http.StatusOK},
		{"/api/v1/tasks", "Bearer gwpat_x", "session=1", http.StatusForbidden},
		{"/api/v1/tasks", "Basic eDp5", "", http.StatusForbidden},
		{"/api/v1/tasks", "", "", http.StatusForbidden},
		{"/tasks", "Bearer gwpat_x", "", http.StatusForbidden},
		{"/login", "Bearer gwpat_x", "", http.StatusForbidden},
	} {
		r := httptest.NewRequest("POST", tc.path, nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		if tc.cookie != "" {
			r.Header.Set("Cookie", tc.cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s auth=%q cookie=%q = %d, want %d", tc.path, tc.auth, tc.cookie, w.Code, tc.want)
		}
	}
}
