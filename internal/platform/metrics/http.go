package metrics

import (
	"net/http"
	"strconv"
	"time"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/groundwork-dev/groundwork/internal/platform/route"
)

// Unmatched is the route label of requests that match no route (404s and
// 405s from the router, and anything else refused on such a path).
const Unmatched = "unmatched"

// Middleware counts each request in http_requests_total and
// http_request_duration_seconds and tracks http_requests_in_flight. Mount
// it with Use on the top-level chi router: it reads the matched route
// pattern after the handler has run, so the labels hold "/tasks/{id}",
// never "/tasks/42", and the number of series stays bounded whatever the
// URLs requested. The method label is one of the standard methods or
// "OTHER", and status is the class ("2xx" … "5xx").
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		ww := chimw.NewWrapResponseWriter(w, r.ProtoMajor)
		returned := false
		defer func() {
			m.inFlight.Dec()
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // nothing written: net/http sends 200
				if !returned {
					status = http.StatusInternalServerError // aborted by a panic
				}
			}
			labels := []string{methodLabel(r.Method), routeLabel(r, status), statusClass(status)}
			m.requests.WithLabelValues(labels...).Inc()
			m.duration.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(ww, r)
		returned = true
	})
}

// routeLabel is the pattern of the route r was for, or Unmatched.
func routeLabel(r *http.Request, status int) string {
	if p := route.Pattern(r, status); p != "" {
		return p
	}
	return Unmatched
}

// methodLabel bounds the method label: clients can send any token.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "5xx"
	}
	return strconv.Itoa(status/100) + "xx"
}
