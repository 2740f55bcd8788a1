package middleware

import (
	"log/slog"
	"net/http"
)

// StackOptions configure Stack.
type StackOptions struct {
	Log            *slog.Logger
	TrustedProxies []string // CIDRs whose X-Forwarded-For is believed
	Security       SecurityOptions
	// TrustedOrigins may send cross-site writes (the site's own origin,
	// plus CORSOrigins); every other cross-site POST, PUT, PATCH and
	// DELETE is 403.
	TrustedOrigins []string
	CORSOrigins    []string // empty: no CORS middleware
	// BearerPaths are the path prefixes (the API) where a bearer-only
	// request (IsBearerOnly: a token, no cookies) skips the cross-origin
	// check; the token is its only authentication there.
	BearerPaths  []string
	MaxBodyBytes int64
	// LargeBodyPrefixes are path prefixes whose handlers limit their own
	// bodies (the local storage driver's uploads, by their signed size).
	LargeBodyPrefixes []string
	// Observe, if set, measures and traces each request (metrics and
	// tracing); it runs before the access log, so the log line carries the
	// trace ID.
	Observe func(http.Handler) http.Handler
}

// Stack returns the middleware every request goes through, in order:
// request ID → client IP → observe (when set) → access log → recover → security headers →
// cross-origin protection (not for bearer-only API requests) → CORS (only when configured) → body limit.
// internal/app's router and the feature test harness (httpxtest) both use
// it, so feature tests run behind the real chain.
func Stack(o StackOptions) ([]func(http.Handler) http.Handler, error) {
	crossOrigin, err := CrossOrigin(o.TrustedOrigins)
	if err != nil {
		return nil, err
	}
	if len(o.BearerPaths) > 0 {
		crossOrigin = exceptBearer(o.BearerPaths, crossOrigin)
	}
	stack := []func(http.Handler) http.Handler{RequestID, ClientIP(o.TrustedProxies)}
	if o.Observe != nil {
		stack = append(stack, o.Observe)
	}
	stack = append(stack,
		AccessLog(o.Log),
		Recover,
		SecurityHeaders(o.Security),
		crossOrigin,
	)
	if len(o.CORSOrigins) > 0 {
		stack = append(stack, CORS(o.CORSOrigins))
	}
	return append(stack, BodyLimit(o.MaxBodyBytes, o.LargeBodyPrefixes...)), nil
}
