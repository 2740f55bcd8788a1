package middleware

import (
	"net/http"
	"slices"
	"strings"

	"github.com/rs/cors"
)

// BodyLimit caps every request body at maxBytes, except under the path
// prefixes exempt, whose handlers set their own limit. Reading past the
// limit fails with *http.MaxBytesError, which the decoders turn into 413,
// and net/http closes the connection instead of draining the rest.
func BodyLimit(maxBytes int64, exempt ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if slices.ContainsFunc(exempt, func(p string) bool { return strings.HasPrefix(r.URL.Path, p) }) {
				next.ServeHTTP(w, r)
				return
			}
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// CORS allows cross-origin requests from exactly the given origins (never
// "*"; configuration refuses it). Mount it only when origins are configured:
// rs/cors treats an empty list as "allow all".
func CORS(origins []string) func(http.Handler) http.Handler {
	c := cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "X-Request-ID"},
		ExposedHeaders:   []string{"X-Request-ID", "Location"},
		AllowCredentials: true,
		MaxAge:           600,
	})
	return c.Handler
}

// NoStore marks every response as not to be stored by any cache. It wraps
// the routes that carry a session: their responses are personal, and one
// that sets the session cookie must never be cached.
func NoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
