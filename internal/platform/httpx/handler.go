// Package httpx adapts handlers that return errors to net/http, and holds
// the one place where an error becomes a response (Error), plus Render,
// Redirect, JSON, request decoding and validation, and htmx helpers.
package httpx

import (
	"context"
	"net/http"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing
// one. A handler does four things in order: parse input, call the service,
// choose the response, render. Any error goes to Error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and sends a returned error to Error. A query
// parameter or path value that cannot be stored as text (a NUL character,
// invalid UTF-8: see text.go) is refused with 400 before f runs.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := requestTextError(r); err != nil {
		Error(w, r, err)
		return
	}
	if err := f(w, r); err != nil {
		Error(w, r, err)
	}
}

// Handle converts f to an http.HandlerFunc, for chi's r.Get, r.Post, ….
func Handle(f HandlerFunc) http.HandlerFunc { return f.ServeHTTP }

type requestIDKey struct{}

// WithRequestID returns a copy of ctx carrying the request ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request ID stored by the request-ID middleware, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
