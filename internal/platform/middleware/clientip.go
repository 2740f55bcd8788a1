package middleware

import (
	"net/http"

	chimw "github.com/go-chi/chi/v5/middleware"
)

// ClientIP stores the client's address in the request context, read back
// with ClientIPFrom. With no trusted proxies it is the socket peer and
// X-Forwarded-For is ignored, so a client cannot spoof its address. With
// trusted proxy CIDRs, X-Forwarded-For is walked from the right and the
// first address outside those CIDRs wins.
func ClientIP(trustedProxies []string) func(http.Handler) http.Handler {
	if len(trustedProxies) == 0 {
		return chimw.ClientIPFromRemoteAddr
	}
	return chimw.ClientIPFromXFF(trustedProxies...)
}

// ClientIPFrom returns the client address stored by ClientIP, or "".
func ClientIPFrom(r *http.Request) string {
	return chimw.GetClientIP(r.Context())
}
