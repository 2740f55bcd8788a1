package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// JobOutcome counts one finished job attempt in jobs_total{kind,outcome}
// (outcome: completed, failed, discarded, cancelled). Hand it to the job
// queue (jobs.Options.OnOutcome). On a nil *Metrics it does nothing.
func (m *Metrics) JobOutcome(kind, outcome string) {
	if m == nil {
		return
	}
	m.jobs.WithLabelValues(kind, outcome).Inc()
}

// WatchJobs adds jobs_queue_depth{queue,state}: River's jobs by queue and
// state, counted at scrape time (bounded: queues and states are fixed
// sets). On a nil *Metrics it does nothing.
func (m *Metrics) WatchJobs(pool *pgxpool.Pool) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(&queueCollector{pool: pool})
}

func newJobsCounter() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobs_total",
		Help: "Background job attempts that ended in this process, by job kind and outcome (completed, failed: will be retried, discarded: attempts used up, cancelled).",
	}, []string{"kind", "outcome"})
}

var descQueueDepth = prometheus.NewDesc("jobs_queue_depth",
	"Background jobs in the database now, by River queue and state (available, running, retryable, scheduled, …); completed and discarded ones until River's retention deletes them.",
	[]string{"queue", "state"}, nil)

// queueCollector counts river_job rows when scraped.
type queueCollector struct {
	pool *pgxpool.Pool
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descQueueDepth }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, `SELECT queue, state::text, count(*) FROM river_job GROUP BY queue, state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descQueueDepth, err) // the scrape reports the error
		return
	}
	defer rows.Close()
	for rows.Next() {
		var queue, state string
		var n int64
		if err := rows.Scan(&queue, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(descQueueDepth, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(descQueueDepth, prometheus.GaugeValue, float64(n), queue, state)
	}
	if err := rows.Err(); err != nil {
		ch <- prometheus.NewInvalidMetric(descQueueDepth, err)
	}
}
