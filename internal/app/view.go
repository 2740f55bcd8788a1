package app

import (
	"net/http"

	"github.com/groundwork-dev/groundwork/web/layout"
)

// viewContext stores what the base layout needs about the request (the
// current path for the navigation, and whether live reload is on).
func viewContext(devReload bool) func(http.Handler) http.Handler {
	reloadURL := ""
	if devReload {
		reloadURL = devReloadPath
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(layout.WithRequest(r.Context(), r.URL.Path, reloadURL)))
		})
	}
}
