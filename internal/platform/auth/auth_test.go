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

// TestRequireUserSignInRedirect: an anonymous request is sent to sign in,
// with ?next= the page to come back to. For htmx that is the page the user
// is on (HX-Current-URL, when it is on this host and a local path), never
// the fragment or POST that found the session gone; the answer is then
// HX-Redirect, as htmx loads a whole page only on that header.
func TestRequireUserSignInRedirect(t *testing.T) {
	t.Parallel()
	h := auth.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	const host = "example.com" // httptest.NewRequest's
	for _, tc := range []struct {
		name, method, target string
		header               map[string]string
		want                 string // the sign-in URL
	}{
		{"page GET", "GET", "/tasks?status=open", nil, "/login?next=%2Ftasks%3Fstatus%3Dopen"},
		{"form POST", "POST", "/tasks", nil, "/login"},
		{"page GET ignores HX-Current-URL", "GET", "/tasks/7", map[string]string{"HX-Current-URL": "http://" + host + "/account"}, "/login?next=%2Ftasks%2F7"},
		{"htmx GET of a fragment", "GET", "/tasks?cursor=abc", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://" + host + "/tasks?status=done"}, "/login?next=%2Ftasks%3Fstatus%3Ddone"},
		{"htmx POST", "POST", "/tasks/7/status", map[string]string{"HX-Request": "true", "HX-Current-URL": "https://" + host + "/tasks/7#notes"}, "/login?next=%2Ftasks%2F7"},
		{"htmx DELETE, host in capitals", "DELETE", "/tasks/7", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://EXAMPLE.com/tasks"}, "/login?next=%2Ftasks"},
		{"htmx GET without HX-Current-URL", "GET", "/tasks?cursor=abc", map[string]string{"HX-Request": "true"}, "/login"},
		{"htmx POST without HX-Current-URL", "POST", "/tasks", map[string]string{"HX-Request": "true"}, "/login"},
		{"htmx, cross-origin page", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "https://evil.example/tasks"}, "/login"},
		{"htmx, same host other port", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://" + host + ":8080/tasks"}, "/login"},
		{"htmx, path is another site", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://" + host + "//evil.example/x"}, "/login"},
		{"htmx, backslash path is escaped: local", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://" + host + "/\\evil.example"}, "/login?next=%2F%255Cevil.example"},
		{"htmx, not an http URL", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "javascript:alert(1)//" + host}, "/login"},
		{"htmx, a bare path", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "/tasks"}, "/login"},
		{"htmx, an absolute URL in the query stays a query", "POST", "/tasks", map[string]string{"HX-Request": "true", "HX-Current-URL": "http://" + host + "/tasks?q=https://evil.example"}, "/login?next=%2Ftasks%3Fq%3Dhttps%3A%2F%2Fevil.example"},
		{"boosted GET is a page", "GET", "/tasks/7", map[string]string{"HX-Request": "true", "HX-Boosted": "true", "HX-Current-URL": "http://" + host + "/tasks"}, "/login?next=%2Ftasks%2F7"},
		{"history restore is a page", "GET", "/tasks/7", map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"}, "/login?next=%2Ftasks%2F7"},
	} {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		for k, v := range tc.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if _, htmx := tc.header["HX-Request"]; htmx {
			if w.Code != http.StatusOK || w.Header().Get("HX-Redirect") != tc.want || w.Header().Get("Location") != "" || w.Body.Len() != 0 {
				t.Errorf("%s: %d HX-Redirect %q Location %q body %q, want 200 HX-Redirect %q and nothing to swap",
					tc.name, w.Code, w.Header().Get("HX-Redirect"), w.Header().Get("Location"), w.Body.String(), tc.want)
			}
			continue
		}
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want || w.Header().Get("HX-Redirect") != "" {
			t.Errorf("%s: %d Location %q HX-Redirect %q, want 303 to %q", tc.name, w.Code, w.Header().Get("Location"), w.Header().Get("HX-Redirect"), tc.want)
		}
	}
}

// TestLocalPath is the open-redirect check every ?next= passes.
func TestLocalPath(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/account?tab=sessions": "/account?tab=sessions",
		"/":                     "/",
		"":                      "",
		"account":               "",
		"//evil.example/":       "",
		"https://evil.example/": "",
		"/\\evil.example":       "",
		"/a\r\nSet-Cookie: x=1": "",
		"/%zz":                  "",
	} {
		if got := auth.LocalPath(next); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}
