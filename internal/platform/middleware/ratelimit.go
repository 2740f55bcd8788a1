package middleware

import (
	"net/http"
	"time"

	"github.com/go-chi/httprate"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Counter counts events; a prometheus.Counter is one.
type Counter interface{ Inc() }

// RateLimitByClientIP limits each client address (ClientIPFrom, so it runs
// after ClientIP) to limit requests per window on the routes it wraps. The
// count is in memory, per instance. Over the limit: 429 with Retry-After,
// through the responder, counted in hits unless hits is nil.
func RateLimitByClientIP(limit int, window time.Duration, hits Counter) func(http.Handler) http.Handler {
	return httprate.Limit(limit, window,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return ClientIPFrom(r), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			if hits != nil {
				hits.Inc()
			}
			httpx.Error(w, r, &apperr.Error{Kind: apperr.TooManyRequests, RetryAfter: window})
		}),
	)
}
