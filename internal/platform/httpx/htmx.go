package httpx

import "net/http"

// IsHTMX reports whether r was sent by htmx (HX-Request: true). Boosted
// requests count: they expect a response htmx can swap.
func IsHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true"
}

// VaryHTMX records that the response differs by HX-Request, so caches keep
// the page and the fragment apart. Every handler that branches on IsHTMX
// must call it.
func VaryHTMX(w http.ResponseWriter) {
	w.Header().Add("Vary", "HX-Request")
}
