package httpxtest

import (
	"context"
	"fmt"
	"html"
	"io"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// ErrorViews stand in for the web layout's error page and toast in the
// platform's own tests, which may not import web/: just enough markup,
// with the layout's data-testid names, to check what the responder hands
// them (error-page, error-status, request-id, toast, .toast__message).
var ErrorViews = httpx.ErrorViews{
	Page: func(v httpx.ErrorView) templ.Component {
		return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, err := fmt.Fprintf(w, `<!DOCTYPE html><html><body><main data-testid="error-page"><p data-testid="error-status">%d</p><h1>%s</h1><p>%s</p><code data-testid="request-id">%s</code></main></body></html>`,
				v.Status, html.EscapeString(v.Title), html.EscapeString(v.Message), html.EscapeString(v.RequestID))
			return err
		})
	},
	Toast: func(v httpx.ErrorView) templ.Component {
		return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			detail := ""
			if v.Status >= 500 {
				detail = "Request ID: " + v.RequestID
			}
			_, err := fmt.Fprintf(w, `<div data-testid="toast"><p class="toast__message">%s</p><p>%s</p></div>`,
				html.EscapeString(v.Message), html.EscapeString(detail))
			return err
		})
	},
}
