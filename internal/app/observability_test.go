package app

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/tracing"
	"github.com/groundwork-dev/groundwork/migrations"
)

// obsStack is the real router with metrics (and, if asked, tracing into
// memory) wired as runServe wires them, on a test database.
type obsStack struct {
	URL     string
	metrics *metrics.Metrics
	spans   *tracetest.InMemoryExporter // nil when tracing is off
	logs    *logtest.Buffer
	pool    *pgxpool.Pool
	f       features
}

func newObsStack(t *testing.T, traced bool, change func(*Config)) *obsStack {
	t.Helper()
	cfg := testConfig(t)
	if change != nil {
		change(&cfg)
	}
	st := &obsStack{metrics: metrics.New()}
	var tp *sdktrace.TracerProvider
	if traced {
		st.spans = tracetest.NewInMemoryExporter()
		tp = tracing.NewProviderWith(sdktrace.NewSimpleSpanProcessor(st.spans), tracing.Config{ServiceName: "test", SampleRatio: 1})
	}
	obs, err := newObservabilityWith(st.metrics, tp, cfg.TrustedProxies)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { obs.close(slog.New(slog.DiscardHandler)) })
	if st.pool, err = postgres.Open(pgtest.NewDatabase(t), 10, obs.poolOption()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.pool.Close)
	if err := st.metrics.WatchPool(st.pool); err != nil {
		t.Fatal(err)
	}
	migrator, err := migrations.NewMigrator(st.pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { migrator.Close() })
	var log *slog.Logger
	log, st.logs = logtest.New(slog.LevelDebug)
	inserter, err := jobs.New(st.pool, log, jobstest.Options(), nil) // nothing works the jobs: no mail is read here
	if err != nil {
		t.Fatal(err)
	}
	if st.f, err = newFeatures(cfg, st.pool, fastHasher(), inserter, st.metrics); err != nil {
		t.Fatal(err)
	}
	r, err := newRouter(routeDeps{cfg: cfg, log: log, checker: health.New(st.pool, migrator, log), features: st.f, obs: obs})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	st.URL = srv.URL
	return st
}

// client is a cookie-keeping HTTP client that does not follow redirects.
func (st *obsStack) client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send makes one request and returns its response (body closed).
func send(t *testing.T, c *http.Client, method, url string, form url.Values, header ...string) *http.Response {
	t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, url, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, url, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	return resp
}

// signIn creates a user and signs the client in.
func (st *obsStack) signIn(t *testing.T, c *http.Client, email string) {
	t.Helper()
	if _, err := st.f.accounts.CreateUser(context.Background(), email, alicePassword, account.RoleUser, true); err != nil {
		t.Fatal(err)
	}
	if resp := send(t, c, "POST", st.URL+"/login", url.Values{"email": {email}, "password": {alicePassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d, want 303", resp.StatusCode)
	}
}

// requestSeries returns the http_requests_total series as label maps with
// their values.
func requestSeries(t *testing.T, m *metrics.Metrics) map[[3]string]float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[3]string]float64{}
	for _, f := range families {
		if f.GetName() != "http_requests_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			var key [3]string
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "method":
					key[0] = l.GetValue()
				case "route":
					key[1] = l.GetValue()
				case "status":
					key[2] = l.GetValue()
				}
			}
			out[key] = s.GetCounter().GetValue()
		}
	}
	return out
}

// knownRoutes are the patterns of testdata/routes.txt (the golden route
// table) as route labels, plus "unmatched".
func knownRoutes(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("testdata/routes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{metrics.Unmatched: true}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 {
			p := fields[1]
			if p != "/" {
				p = strings.TrimSuffix(p, "/")
			}
			known[p] = true
		}
	}
	return known
}
