// Package layout renders the page frame shared by every HTML page: the head
// (stylesheet, htmx and its hardened config, our own script, all nonced), the
// top bar and navigation, the toast region, the footer, and the error page.
//
// Request-scoped data the layout needs (the current path for aria-current, the
// dev live-reload URL, the signed-in user, the flash messages) travels in the
// context, set once per request by middleware with WithRequest, WithUser and
// WithFlashes, so page components don't have to pass it along.
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

// User is what the layout shows of the signed-in user: the email in the top
// bar and, for admins, the link to the user list. The account feature's
// middleware sets it with WithUser; without it the visitor is anonymous.
type User struct {
	Email   string
	IsAdmin bool
}

// userKey and flashKey keep the signed-in user and the flashes apart from the
// request data, so each middleware can set its own value independently.
type (
	userKey  struct{}
	flashKey struct{}
)

// WithUser returns a context in which u is the signed-in user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// CurrentUser returns the signed-in user stored by WithUser, and false for an
// anonymous visitor.
func CurrentUser(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

// Flash is a one-time message for the next page, e.g. "Password changed."
// after a redirect. Variant is one of ui's: ui.VariantSuccess, ui.VariantError
// or ui.VariantInfo (the default for an empty or unknown variant).
type Flash struct {
	Variant string
	Message string
}

// WithFlashes returns a context carrying the flashes to show on this page.
// The layout renders them as toasts in the #toasts region.
func WithFlashes(ctx context.Context, f []Flash) context.Context {
	return context.WithValue(ctx, flashKey{}, f)
}

// Flashes returns the flashes stored by WithFlashes, or nil.
func Flashes(ctx context.Context) []Flash {
	f, _ := ctx.Value(flashKey{}).([]Flash)
	return f
}
