package app

import (
	"fmt"
	"net/http"
	"time"
)

// devReloadHandler serves the development live-reload stream: it sends
// this process's boot ID and then holds the connection open. When the
// watcher rebuilds and restarts the server, the browser's EventSource
// reconnects, sees a new boot ID and reloads the page (web/static/js/app.js).
// The stream ends when the client leaves or the server shuts down (done).
func devReloadHandler(bootID string, done <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// A stream outlives the server's WriteTimeout; lift it for this response.
		if err := rc.SetWriteDeadline(time.Time{}); err != nil {
			http.Error(w, "streaming unsupported", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no")
		// retry: reconnect quickly while the new build starts.
		if _, err := fmt.Fprintf(w, "retry: 300\nevent: boot\ndata: %s\n\n", bootID); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
}
