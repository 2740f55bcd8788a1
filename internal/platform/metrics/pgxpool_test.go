package metrics

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestPoolMetrics runs a real pool of two connections: the collector
// reports what the pool holds, and an Acquire that must wait shows in
// pgxpool_acquire_waiting and pgxpool_empty_acquires_total.
func TestPoolMetrics(t *testing.T) {
	m := New()
	tracer := &multitracer.Tracer{PoolAcquireTracers: []pgxpool.AcquireTracer{m.AcquireTracer()}}
	pool, err := postgres.Open(pgtest.NewEmptyDatabase(t), 2, postgres.WithTracer(tracer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := m.WatchPool(pool); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var one int
	if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	a, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertMetrics(t, m, map[string]float64{
		"pgxpool_acquired_connections": 2,
		"pgxpool_max_connections":      2,
		"pgxpool_total_connections":    2,
		"pgxpool_acquires_total":       3,
		"pgxpool_acquire_waiting":      0,
	})

	// A third acquire waits until a connection comes back.
	got := make(chan *pgxpool.Conn)
	go func() {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	waitFor(t, func() bool { return testutil.ToFloat64(m.acquireWaiting) == 1 })
	a.Release()
	c := <-got
	c.Release()
	b.Release()

	assertMetrics(t, m, map[string]float64{
		"pgxpool_acquired_connections": 0,
		"pgxpool_idle_connections":     2,
		"pgxpool_acquires_total":       4,
		"pgxpool_empty_acquires_total": 3, // two connections had to be opened, and the waiter waited
		"pgxpool_acquire_waiting":      0,
	})
	if n := testutil.CollectAndCount(m.acquireDuration); n != 1 {
		t.Fatalf("acquire histogram series = %d", n)
	}
	if !strings.Contains(scrape(t, m), "pgxpool_acquire_duration_seconds_count 4") {
		t.Errorf("pgxpool_acquire_duration_seconds_count is not 4:\n%s", scrape(t, m))
	}

	// A cancelled acquire is counted as such.
	hold1, _ := pool.Acquire(ctx)
	hold2, _ := pool.Acquire(ctx)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := pool.Exec(cctx, "SELECT 1"); err == nil {
		t.Error("Exec with a cancelled context on a full pool succeeded")
	}
	hold1.Release()
	hold2.Release()
	assertMetrics(t, m, map[string]float64{"pgxpool_canceled_acquires_total": 1})
}

func assertMetrics(t *testing.T, m *Metrics, want map[string]float64) {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			switch {
			case metric.Gauge != nil:
				got[f.GetName()] = metric.Gauge.GetValue()
			case metric.Counter != nil:
				got[f.GetName()] = metric.Counter.GetValue()
			}
		}
	}
	for name, w := range want {
		if v, ok := got[name]; !ok || v != w {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, w)
		}
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}
