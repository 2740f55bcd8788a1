package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
)

// Render writes c as an HTML response with the given status. It renders into
// a buffer first, so a failing component becomes a clean error (returned to
// the caller, which returns it to Error) instead of half a page.
func Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return fmt.Errorf("httpx: render: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return write(w, r, status, buf.Bytes())
}

// JSON writes v as an application/json response with the given status.
func JSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("httpx: encode json: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	return write(w, r, status, append(body, '\n'))
}

// write sends status and body. A failed write means the client went away:
// nothing more can be sent, so it is logged and not returned.
func write(w http.ResponseWriter, r *http.Request, status int, body []byte) error {
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		logging.FromContext(r.Context()).DebugContext(r.Context(), "response write failed", "err", err)
	}
	return nil
}

// Redirect sends the client to url after a successful action: an
// HX-Redirect header for htmx requests (htmx then loads the page), and
// 303 See Other otherwise, so the browser follows with a GET.
func Redirect(w http.ResponseWriter, r *http.Request, url string) error {
	if IsHTMX(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusOK)
		return nil
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}
