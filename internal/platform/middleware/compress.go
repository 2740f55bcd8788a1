package middleware

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// compressedTypes are the answers Compress gzips: pages, fragments and
// the API. Anything else (static files, images, event streams) is left
// as the handler wrote it.
var compressedTypes = []string{"text/html", "application/json", "application/problem+json"}

// Compress gzips HTML and JSON answers of at least 1 KiB for clients that
// accept gzip (a 57 KB task list travels as about 5 KB). An event-stream
// request (Accept: text/event-stream) bypasses it entirely: the
// compressor holds the headers back until it has a body, which a stream
// that flushes its headers first must not wait for.
func Compress() (func(http.Handler) http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressedTypes))
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		gz := wrap(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
				next.ServeHTTP(w, r)
				return
			}
			gz.ServeHTTP(w, r)
		})
	}, nil
}
