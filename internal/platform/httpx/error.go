package httpx

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
)

// Problem is an RFC 9457 problem document, the body of every API error.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// ToastTarget is the element id of the toast region in the base layout.
// HTMX error fragments are retargeted there.
const ToastTarget = "#toasts"

// Error is the only place an error becomes a response. It maps the error's
// kind to a status and renders it in one of three shapes:
//
//   - application/problem+json for /api/ routes and clients that ask for JSON;
//   - for htmx requests, a toast fragment retargeted to the toast region
//     (HX-Retarget, HX-Reswap), so it never lands inside a small target;
//   - otherwise a full HTML error page.
//
// 5xx errors, and 4xx errors marked apperr Bug, are logged once at error
// level, with their cause; the response only ever holds
// the safe message and the request ID. If the request's context is already
// cancelled (the client left), nothing is written.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	log := logging.FromContext(ctx)
	if ctx.Err() != nil {
		log.DebugContext(ctx, "request cancelled", "err", err)
		return
	}

	kind := apperr.KindOf(err)
	status := kind.Status()
	switch {
	case status >= 500:
		log.ErrorContext(ctx, "request failed", "status", status, "kind", kind.String(), "err", err)
	case apperr.IsBug(err):
		// The client's fault, but it should have been refused earlier (a
		// boundary rule is missing): someone has to look at it.
		log.ErrorContext(ctx, "bug: input refused late", "status", status, "kind", kind.String(), "err", err)
	default:
		log.DebugContext(ctx, "request rejected", "status", status, "kind", kind.String(), "err", err)
	}

	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if d := apperr.RetryAfterOf(err); d > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}

	view := ErrorView{
		Status:    status,
		Title:     http.StatusText(status),
		Message:   apperr.SafeMessage(err),
		RequestID: RequestID(ctx),
	}
	views := errorViewsFrom(ctx)
	switch {
	case WantsJSON(r):
		writeProblem(w, r, status, err)
	case IsHTMX(r):
		h.Set("HX-Retarget", ToastTarget)
		h.Set("HX-Reswap", "beforeend")
		renderOrFallback(w, r, view, views.Toast, log)
	default:
		renderOrFallback(w, r, view, views.Page, log)
	}
}

// WantsJSON reports whether the error response for r should be
// problem+json: always under /api/, else when the client accepts JSON but
// not HTML.
func WantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "text/html") {
		return false
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return true
		}
	}
	return false
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    apperr.SafeMessage(err),
		Instance:  r.URL.Path,
		RequestID: RequestID(r.Context()),
	}
	if status == http.StatusUnprocessableEntity {
		p.Errors = apperr.FieldsOf(err)
	}
	body, _ := json.Marshal(p) // a Problem of strings and ints always encodes
	w.Header().Set("Content-Type", "application/problem+json")
	_ = write(w, r, status, append(body, '\n'))
}

// renderOrFallback renders the error with draw; without one (no
// UseErrorViews), or if the view itself fails, it falls back to plain
// text so the client still gets the right status.
func renderOrFallback(w http.ResponseWriter, r *http.Request, view ErrorView, draw func(ErrorView) templ.Component, log *slog.Logger) {
	var buf bytes.Buffer
	if draw == nil {
		buf.WriteString(view.Title + ": " + view.Message + "\n")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_ = write(w, r, view.Status, buf.Bytes())
		return
	}
	if err := draw(view).Render(r.Context(), &buf); err != nil {
		log.ErrorContext(r.Context(), "error view failed", "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_ = write(w, r, view.Status, []byte(http.StatusText(view.Status)+"\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = write(w, r, view.Status, buf.Bytes())
}
