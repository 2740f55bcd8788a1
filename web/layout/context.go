// Package layout renders the page frame shared by every HTML page: the head
// (stylesheet, htmx and its hardened config, our own script, all nonced), the
// top bar and navigation, the toast region, the footer, and the error page.
//
// Request-scoped data the layout needs travels in the context, so page
// components don't have to pass it along: the current path and the dev
// live-reload URL (WithRequest), the signed-in user (internal/platform/auth)
// and the flash messages (internal/platform/flash).
package layout

import (
	"context"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
)

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
// bar and, for admins, the link to the user list.
type User struct {
	Email   string
	IsAdmin bool
}

// CurrentUser returns the signed-in user (auth.From), and false for an
// anonymous visitor.
func CurrentUser(ctx context.Context) (User, bool) {
	id, ok := auth.From(ctx)
	if !ok {
		return User{}, false
	}
	return User{Email: id.Email, IsAdmin: id.IsAdmin()}, true
}

// Flash is a one-time message shown as a toast. Variant is one of ui's:
// ui.VariantSuccess, ui.VariantError or ui.VariantInfo (the default for
// an empty or unknown variant).
type Flash struct {
	Variant string
	Message string
}

// Flashes returns the messages flash.Messages moved out of the session
// for this page, as success toasts.
func Flashes(ctx context.Context) []Flash {
	msgs := flash.From(ctx)
	if len(msgs) == 0 {
		return nil
	}
	out := make([]Flash, len(msgs))
	for i, m := range msgs {
		out[i] = Flash{Variant: "success", Message: m}
	}
	return out
}
