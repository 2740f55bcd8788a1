// Package metrics is the process's Prometheus instrumentation: one registry
// per process (never prometheus.DefaultRegisterer), the HTTP middleware,
// the pgxpool collector and the counters handed explicitly to the code that
// increments them. The admin listener serves it (internal/app/admin.go);
// README "Operating it" says what each metric means.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the metrics the program updates. Build it
// once with New and pass it to whoever needs it.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge

	throttleHits *prometheus.CounterVec
	jobs         *prometheus.CounterVec

	acquireWaiting  prometheus.Gauge
	acquireDuration prometheus.Histogram

	sseOpen    prometheus.Gauge   // sse.go
	sseDropped prometheus.Counter // sse.go
}

// Throttles are the values of login_throttle_hits_total's throttle label.
const (
	// ThrottleAccount is the per-account sign-in failure throttle (PostgreSQL).
	ThrottleAccount = "account"
	// ThrottleClientIP is the per-address rate limit on the sign-in, sign-up
	// and password routes (AUTH_RATE_LIMIT).
	ThrottleClientIP = "client_ip"
)

// New returns Metrics on a fresh registry that also holds the Go runtime,
// process and build-information collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by method, chi route pattern (\"unmatched\" when no route matched) and status class.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time from the request reaching the router to the handler returning, by method, route and status class.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_requests_in_flight",
			Help: "HTTP requests being served now.",
		}),
		throttleHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "login_throttle_hits_total",
			Help: "Requests refused by a sign-in throttle: throttle=\"account\" (too many failures for an account) or \"client_ip\" (AUTH_RATE_LIMIT per address).",
		}, []string{"throttle"}),
		jobs:       newJobsCounter(),
		sseOpen:    newSSEStreamsOpen(),
		sseDropped: newSSEDropped(),
		acquireWaiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pgxpool_acquire_waiting",
			Help: "Goroutines inside pgxpool Acquire now (waiting for a connection, or about to get an idle one).",
		}),
		acquireDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pgxpool_acquire_duration_seconds",
			Help:    "Time to acquire a connection from the pool, failed and cancelled acquires included.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5},
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
		m.requests, m.duration, m.inFlight, m.throttleHits, m.jobs, m.acquireWaiting, m.acquireDuration,
		m.sseOpen, m.sseDropped,
	)
	// Pre-create the throttle series so a rate() alert sees 0, not "no data".
	m.throttleHits.WithLabelValues(ThrottleAccount)
	m.throttleHits.WithLabelValues(ThrottleClientIP)
	return m
}

// Registry returns the registry, for collectors added later (jobs, SSE)
// and for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format (or
// OpenMetrics when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:          m.reg, // promhttp_metric_handler_errors_total
		EnableOpenMetrics: true,
	})
}

// ThrottleHits returns the login_throttle_hits_total counter of throttle
// (ThrottleAccount or ThrottleClientIP), to hand to the code that refuses
// the request. On a nil *Metrics it returns nil (no counting).
func (m *Metrics) ThrottleHits(throttle string) prometheus.Counter {
	if m == nil {
		return nil
	}
	return m.throttleHits.WithLabelValues(throttle)
}
