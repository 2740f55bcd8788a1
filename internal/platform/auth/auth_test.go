package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
)

// TestRequireWriteScope: a read-only identity may only use safe methods;
// a read-write one, and an identity without a scope (a session built by
// older code), may use any; anonymous requests are left to RequireUser.
func TestRequireWriteScope(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := auth.RequireWriteScope(ok)
	for _, tc := range []struct {
		scope  auth.Scope
		anon   bool
		method string
		want   int
	}{
		{auth.ScopeRead, false, "GET", http.StatusTeapot},
		{auth.ScopeRead, false, "HEAD", http.StatusTeapot},
		{auth.ScopeRead, false, "OPTIONS", http.StatusTeapot},
		{auth.ScopeRead, false, "POST", http.StatusForbidden},
		{auth.ScopeRead, false, "PATCH", http.StatusForbidden},
		{auth.ScopeRead, false, "PUT", http.StatusForbidden},
		{auth.ScopeRead, false, "DELETE", http.StatusForbidden},
		{auth.ScopeReadWrite, false, "DELETE", http.StatusTeapot},
		{"", false, "POST", http.StatusTeapot},
		{"", true, "POST", http.StatusTeapot},
	} {
		r := httptest.NewRequest(tc.method, "/api/v1/x", nil)
		if !tc.anon {
			r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{UserID: 1, Scope: tc.scope}))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("scope %q anon=%v %s = %d, want %d", tc.scope, tc.anon, tc.method, w.Code, tc.want)
		}
	}
}
