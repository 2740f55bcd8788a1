// Package middleware holds the HTTP middleware of the template. Each is a
// func(http.Handler) http.Handler, or a constructor returning one when it
// needs dependencies; internal/app/routes.go lists them in order.
package middleware

import (
	"crypto/rand"
	"encoding/base32"
	"net/http"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// RequestIDHeader is the header that carries the request ID both ways.
const RequestIDHeader = "X-Request-ID"

// RequestID keeps a valid incoming X-Request-ID (1–128 characters from
// [A-Za-z0-9._-], as set by a proxy) or makes a random one, stores it in
// the request context (httpx.RequestID) and echoes it in the response.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(httpx.WithRequestID(r.Context(), id)))
	})
}

func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRequestID returns 80 random bits as 16 base32 characters.
func newRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return idEncoding.EncodeToString(b[:])
}
