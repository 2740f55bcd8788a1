package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// WatchPool registers a collector that reads pool.Stat() at every scrape
// (pgxpool_* metrics; see README "Operating it").
func (m *Metrics) WatchPool(pool *pgxpool.Pool) error {
	return m.reg.Register(&poolCollector{pool: pool})
}

// AcquireTracer returns the pgxpool.AcquireTracer behind
// pgxpool_acquire_waiting and pgxpool_acquire_duration_seconds. Install it
// in the pool's ConnConfig.Tracer (postgres.WithTracer) before the pool is
// created; pool.Stat() has no count of waiting acquires.
func (m *Metrics) AcquireTracer() pgxpool.AcquireTracer {
	return acquireTracer{waiting: m.acquireWaiting, duration: m.acquireDuration}
}

type acquireTracer struct {
	waiting  prometheus.Gauge
	duration prometheus.Histogram
}

type acquireStartKey struct{}

func (t acquireTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	t.waiting.Inc()
	return context.WithValue(ctx, acquireStartKey{}, time.Now())
}

func (t acquireTracer) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	t.waiting.Dec()
	if start, ok := ctx.Value(acquireStartKey{}).(time.Time); ok {
		t.duration.Observe(time.Since(start).Seconds())
	}
}

// poolCollector turns pgxpool.Stat into metrics when scraped: gauges for the
// connections now, counters for the running totals pgxpool keeps.
type poolCollector struct {
	pool *pgxpool.Pool
}

func desc(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }

// The pool's metrics: gauges (the pool now), then counters (totals).
var (
	descAcquired     = desc("pgxpool_acquired_connections", "Connections checked out of the pool now (in use by a query or transaction).")
	descIdle         = desc("pgxpool_idle_connections", "Open connections idle in the pool now.")
	descTotal        = desc("pgxpool_total_connections", "Open connections now (acquired + idle + being opened).")
	descConstructing = desc("pgxpool_constructing_connections", "Connections being opened now.")
	descMax          = desc("pgxpool_max_connections", "The pool's size limit (DATABASE_MAX_CONNS).")

	descAcquires      = desc("pgxpool_acquires_total", "Successful connection acquires.")
	descEmptyAcquires = desc("pgxpool_empty_acquires_total", "Acquires that found no idle connection and had to wait for one.")
	descEmptyWait     = desc("pgxpool_empty_acquire_wait_seconds_total", "Time spent waiting by the acquires that found no idle connection.")
	descCanceled      = desc("pgxpool_canceled_acquires_total", "Acquires abandoned because their context ended (a request timed out or its client left while waiting).")
	descNewConns      = desc("pgxpool_new_connections_total", "Connections opened.")
	descLifetime      = desc("pgxpool_max_lifetime_destroys_total", "Connections closed for reaching their maximum lifetime.")
	descIdleDestroy   = desc("pgxpool_max_idle_destroys_total", "Connections closed for being idle too long.")
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(descAcquired, float64(s.AcquiredConns()))
	gauge(descIdle, float64(s.IdleConns()))
	gauge(descTotal, float64(s.TotalConns()))
	gauge(descConstructing, float64(s.ConstructingConns()))
	gauge(descMax, float64(s.MaxConns()))
	counter(descAcquires, float64(s.AcquireCount()))
	counter(descEmptyAcquires, float64(s.EmptyAcquireCount()))
	counter(descEmptyWait, s.EmptyAcquireWaitTime().Seconds())
	counter(descCanceled, float64(s.CanceledAcquireCount()))
	counter(descNewConns, float64(s.NewConnsCount()))
	counter(descLifetime, float64(s.MaxLifetimeDestroyCount()))
	counter(descIdleDestroy, float64(s.MaxIdleDestroyCount()))
}
