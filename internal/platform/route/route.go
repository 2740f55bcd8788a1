// Package route names the chi route a request was for, for metrics labels
// and span names: the pattern ("/tasks/{id}"), never the raw path, so the
// set of names is bounded by the router whatever URLs clients send.
package route

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Pattern returns the pattern of the route that matches r, or "" if none
// does (not found, method not allowed, or no chi router). Call it after
// the handler has run, from middleware on the top-level chi router, with
// the response status.
//
// chi's RoutePattern is only complete when routing reached the endpoint.
// It is not when middleware of a mounted group answered first (a signed-out
// request to /tasks/42 is redirected with the pattern "/tasks/*"), when
// top-level middleware refused the request (""), or when a 404 fell
// through a mount ("/tasks/*" again). In those cases, and for every 404
// and 405, the router is asked which route the path matches.
func Pattern(r *http.Request, status int) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil {
		return ""
	}
	pattern := rctx.RoutePattern()
	if pattern != "" && !strings.HasSuffix(pattern, "/*") &&
		status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return pattern
	}
	if rctx.Routes == nil {
		return ""
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	pattern = rctx.Routes.Find(chi.NewRouteContext(), r.Method, path)
	if pattern != "/" {
		pattern = strings.TrimSuffix(pattern, "/") // as RoutePattern: "/tasks/" is "/tasks"
	}
	return pattern
}
