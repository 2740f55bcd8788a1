// Package layout renders the page frame shared by every HTML page: the head
// (stylesheet, htmx and its hardened config, our own script, all nonced), the
// top bar and navigation, the toast region, the footer, and the error page.
//
// Request-scoped data the layout needs (the current path for aria-current, the
// dev live-reload URL) travels in the context, set once per request by
// middleware with WithRequest, so page components don't have to pass it along.
package layout

import "context"

// ctxKey is unexported so no other package can read or overwrite the values.
type ctxKey struct{}

// requestData is what the layout knows about the current request.
type requestData struct {
	path         string
	devReloadURL string
}

// WithRequest returns a context carrying the layout's request data: path is
// the request's URL path (used to mark the current navigation link) and
// devReloadURL is the URL of the development live-reload event stream, or ""
// outside development (then no dev-reload meta tag is rendered).
func WithRequest(ctx context.Context, path string, devReloadURL string) context.Context {
	return context.WithValue(ctx, ctxKey{}, requestData{path: path, devReloadURL: devReloadURL})
}

// CurrentPath returns the request path stored by WithRequest, or "".
func CurrentPath(ctx context.Context) string {
	d, _ := ctx.Value(ctxKey{}).(requestData)
	return d.path
}

// DevReloadURL returns the live-reload stream URL stored by WithRequest, or "".
func DevReloadURL(ctx context.Context) string {
	d, _ := ctx.Value(ctxKey{}).(requestData)
	return d.devReloadURL
}
