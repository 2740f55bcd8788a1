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

var poolDescs = struct {
	acquired, idle, total, constructing, max                     *prometheus.Desc
	acquires, emptyAcquires, emptyWait, canceled, newConns, life *prometheus.Desc
	idleDestroy                                                  *prometheus.Desc
}{
	acquired:      prometheus.NewDesc("pgxpool_acquired_connections", "Connections checked out of the pool now (in use by a query or transaction).", nil, nil),
	idle:          prometheus.NewDesc("pgxpool_idle_connections", "Open connections idle in the pool now.", nil, nil),
	total:         prometheus.NewDesc("pgxpool_total_connections", "Open connections now (acquired + idle + being opened).", nil, nil),
	constructing:  prometheus.NewDesc("pgxpool_constructing_connections", "Connections being opened now.", nil, nil),
	max:           prometheus.NewDesc("pgxpool_max_connections", "The pool's size limit (DATABASE_MAX_CONNS).", nil, nil),
	acquires:      prometheus.NewDesc("pgxpool_acquires_total", "Successful connection acquires.", nil, nil),
	emptyAcquires: prometheus.NewDesc("pgxpool_empty_acquires_total", "Acquires that found no idle connection and had to wait for one.", nil, nil),
	emptyWait:     prometheus.NewDesc("pgxpool_empty_acquire_wait_seconds_total", "Time spent waiting by the acquires that found no idle connection.", nil, nil),
	canceled:      prometheus.NewDesc("pgxpool_canceled_acquires_total", "Acquires abandoned because their context ended (a request timed out or its client left while waiting).", nil, nil),
	newConns:      prometheus.NewDesc("pgxpool_new_connections_total", "Connections opened.", nil, nil),
	life:          prometheus.NewDesc("pgxpool_max_lifetime_destroys_total", "Connections closed for reaching their maximum lifetime.", nil, nil),
	idleDestroy:   prometheus.NewDesc("pgxpool_max_idle_destroys_total", "Connections closed for being idle too long.", nil, nil),
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	d := poolDescs
	gauge(d.acquired, float64(s.AcquiredConns()))
	gauge(d.idle, float64(s.IdleConns()))
	gauge(d.total, float64(s.TotalConns()))
	gauge(d.constructing, float64(s.ConstructingConns()))
	gauge(d.max, float64(s.MaxConns()))
	counter(d.acquires, float64(s.AcquireCount()))
	counter(d.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(d.emptyWait, s.EmptyAcquireWaitTime().Seconds())
	counter(d.canceled, float64(s.CanceledAcquireCount()))
	counter(d.newConns, float64(s.NewConnsCount()))
	counter(d.life, float64(s.MaxLifetimeDestroyCount()))
	counter(d.idleDestroy, float64(s.MaxIdleDestroyCount()))
}
