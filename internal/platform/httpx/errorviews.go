package httpx

import (
	"context"
	"net/http"

	"github.com/a-h/templ"
)

// ErrorView is what an HTML rendering of an error shows. Title and Message
// are safe for users (the status text and apperr.SafeMessage); RequestID
// is the X-Request-ID, for people to quote to support.
type ErrorView struct {
	Status    int
	Title     string
	Message   string
	RequestID string
}

// ErrorViews draw errors as HTML: Page is a full error page, Toast the
// fragment an htmx request gets (Error retargets it to ToastTarget). The
// platform owns no markup: internal/app hands the web layout's views to
// the responder with UseErrorViews when it builds the router. Without
// them, Error answers HTML requests in plain text.
type ErrorViews struct {
	Page  func(ErrorView) templ.Component
	Toast func(ErrorView) templ.Component
}

type errorViewsKey struct{}

// UseErrorViews is middleware that makes Error draw HTML errors with v
// for every request below it. Put it first in the chain, so that errors
// of every later middleware are drawn too.
func UseErrorViews(v ErrorViews) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), errorViewsKey{}, v)))
		})
	}
}

func errorViewsFrom(ctx context.Context) ErrorViews {
	v, _ := ctx.Value(errorViewsKey{}).(ErrorViews)
	return v
}
