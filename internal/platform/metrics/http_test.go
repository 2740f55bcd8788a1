package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// newTestRouter is a chi router shaped like the app's: the middleware on
// the top-level router, a mounted subrouter, a handler that answers 404
// itself, and a custom NotFound.
func newTestRouter(m *Metrics, block chan struct{}) *chi.Mux {
	r := chi.NewRouter()
	r.Use(m.Middleware)
	r.NotFound(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	r.Get("/health", func(w http.ResponseWriter, _ *http.Request) {})
	r.Route("/tasks", func(r chi.Router) {
		r.Get("/", func(w http.ResponseWriter, _ *http.Request) {})
		r.Get("/{id}", func(w http.ResponseWriter, r *http.Request) {
			if chi.URLParam(r, "id") == "404" {
				http.NotFound(w, r) // the handler's own 404: a missing task
			}
		})
		r.Post("/{id}/fail", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	})
	r.Get("/slow", func(w http.ResponseWriter, _ *http.Request) { <-block })
	r.Get("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	return r
}

func serve(h http.Handler, method, target string) int {
	rec := httptest.NewRecorder()
	func() {
		defer func() { _ = recover() }() // /abort re-panics, as net/http would see it
		h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	}()
	return rec.Code
}

func TestMiddlewareLabels(t *testing.T) {
	m := New()
	r := newTestRouter(m, nil)
	for _, req := range []struct{ method, target string }{
		{"GET", "/health"}, {"GET", "/health"},
		{"GET", "/tasks"}, {"GET", "/tasks/1"}, {"GET", "/tasks/2"}, {"GET", "/tasks/404"},
		{"POST", "/tasks/7/fail"},
		{"GET", "/nope/1"}, {"GET", "/tasks/1/nope"}, // not found at the top, and inside the mount
		{"DELETE", "/health"}, // 405
		{"BREW", "/health"},   // a made-up method
		{"GET", "/abort"},
	} {
		serve(r, req.method, req.target)
	}

	want := map[[3]string]float64{
		{"GET", "/health", "2xx"}:           2,
		{"GET", "/tasks", "2xx"}:            1,
		{"GET", "/tasks/{id}", "2xx"}:       2,
		{"GET", "/tasks/{id}", "4xx"}:       1,
		{"POST", "/tasks/{id}/fail", "5xx"}: 1,
		{"GET", Unmatched, "4xx"}:           2,
		{"DELETE", Unmatched, "4xx"}:        1,
		{"OTHER", Unmatched, "4xx"}:         1,
		{"GET", "/abort", "5xx"}:            1,
	}
	for l, n := range want {
		if got := testutil.ToFloat64(m.requests.WithLabelValues(l[:]...)); got != n {
			t.Errorf("http_requests_total%v = %v, want %v", l, got, n)
		}
	}
	if got := testutil.CollectAndCount(m.requests); got != len(want) {
		t.Errorf("http_requests_total has %d series, want %d (no raw paths)", got, len(want))
	}
	if got := testutil.CollectAndCount(m.duration); got != len(want) {
		t.Errorf("http_request_duration_seconds has %d series, want %d", got, len(want))
	}
	if n := testutil.ToFloat64(m.inFlight); n != 0 {
		t.Errorf("in flight after all requests = %v, want 0", n)
	}
}

func TestMiddlewareInFlight(t *testing.T) {
	m := New()
	block := make(chan struct{})
	r := newTestRouter(m, block)
	done := make(chan struct{})
	go func() { serve(r, "GET", "/slow"); close(done) }()
	waitFor(t, func() bool { return testutil.ToFloat64(m.inFlight) == 1 })
	close(block)
	<-done
	if n := testutil.ToFloat64(m.inFlight); n != 0 {
		t.Errorf("in flight after the request = %v, want 0", n)
	}
	if n := testutil.ToFloat64(m.requests.WithLabelValues("GET", "/slow", "2xx")); n != 1 {
		t.Errorf("slow request counted %v times, want 1", n)
	}
}

func TestHandlerExposesEverything(t *testing.T) {
	m := New()
	m.ThrottleHits(ThrottleAccount).Inc()
	serve(newTestRouter(m, nil), "GET", "/health")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="/health",status="2xx"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="/health",status="2xx",le="+Inf"} 1`,
		"http_requests_in_flight 0",
		`login_throttle_hits_total{throttle="account"} 1`,
		`login_throttle_hits_total{throttle="client_ip"} 0`,
		"go_goroutines ", "process_resident_memory_bytes ", "go_build_info{",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	var nilMetrics *Metrics
	if c := nilMetrics.ThrottleHits(ThrottleAccount); c != nil {
		t.Errorf("ThrottleHits on nil Metrics = %v, want nil", c)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
