package app

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
	"github.com/groundwork-dev/groundwork/migrations"
)

// testStack is the real router on a test database, with test-only routes
// that exercise the middleware (a panicking handler, a JSON and a form
// endpoint), and what tests need to look behind it.
type testStack struct {
	mux  *chi.Mux
	pool *pgxpool.Pool
	// Jobs are enqueued on the queue named jobs.Name; startJobs works them,
	// mailing into mail.
	jobs jobs.Options
	log  *slog.Logger
	mail *mail.Capture
	f    features
}

// newTestStack builds a testStack. logs receives the JSON log; hasher may
// be nil for the fast test hasher.
func newTestStack(t *testing.T, cfg Config, logs io.Writer, hasher *password.Hasher) *testStack {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pool := pgtest.NewPool(t)
	// Jobs are enqueued, not worked, unless a test calls startJobs.
	opts := jobstest.Options()
	r, f := newRouterOn(t, cfg, pool, log, hasher, opts)
	r.Get("/test/panic", func(http.ResponseWriter, *http.Request) { panic("secret panic detail") })
	r.Post("/test/form", httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Title string `form:"title" validate:"required"`
		}
		if err := httpx.DecodeForm(w, r, &in); err != nil {
			return err
		}
		if err := validate.Struct(in); err != nil {
			return err
		}
		return httpx.JSON(w, r, http.StatusCreated, in)
	}))
	r.Post("/api/test/json", httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Title string `json:"title" validate:"required,max=10"`
		}
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := validate.Struct(in); err != nil {
			return err
		}
		return httpx.JSON(w, r, http.StatusCreated, in)
	}))
	return &testStack{mux: r, pool: pool, f: f, jobs: opts, log: log, mail: &mail.Capture{}}
}

// startJobs runs the stack's jobs (account emails into st.mail) until
// the test ends.
func (st *testStack) startJobs(t *testing.T) {
	t.Helper()
	worker, err := newWorker(st.jobs, st.log, st.pool, st.f, st.mail)
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
}

// drainJobs waits until the jobs enqueued so far have run.
func (st *testStack) drainJobs(t *testing.T) {
	t.Helper()
	jobstest.Drain(t, st.pool, st.jobs)
}

// newRouterOn builds the features and the real router on pool, as
// runServe does (with the fast test hasher when hasher is nil); jobs are
// enqueued on the queue named by opts and not worked.
func newRouterOn(t *testing.T, cfg Config, pool *pgxpool.Pool, log *slog.Logger, hasher *password.Hasher, opts jobs.Options) (*chi.Mux, features) {
	t.Helper()
	migrator, err := migrations.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { migrator.Close() })
	if hasher == nil {
		hasher = fastHasher()
	}
	inserter, err := jobs.New(pool, log, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFeatures(cfg, pool, hasher, inserter, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRouter(routeDeps{cfg: cfg, log: log, checker: health.New(pool, migrator, log), features: f})
	if err != nil {
		t.Fatal(err)
	}
	return r, f
}

// newTestRouter is newTestStack's router.
func newTestRouter(t *testing.T, cfg Config, logs io.Writer) *chi.Mux {
	t.Helper()
	return newTestStack(t, cfg, logs, nil).mux
}

// fastHasher keeps tests quick; the production parameters are tested in
// internal/platform/password and by internal/account's
// TestLoginEnumerationResistance (T19: the stored hash format).
func fastHasher() *password.Hasher {
	return password.NewHasher(password.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
}

func testConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := LoadConfig(environ(map[string]string{
		"APP_ENV": "test", "DATABASE_URL": "postgres://unused/x", "SECRET_KEY": testSecret, "STORAGE_DIR": t.TempDir(),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newOfflineRouter is the real router on a pool that never connects: for
// tests that only look at the route table, so they need no database.
func newOfflineRouter(t *testing.T) *chi.Mux {
	t.Helper()
	cfg := testConfig(t)
	pool, err := postgres.Open("postgres://127.0.0.1:1/unused?sslmode=disable", 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	r, _ := newRouterOn(t, cfg, pool, slog.New(slog.DiscardHandler), nil, jobs.Options{})
	return r
}

// TestRouteTable is the golden route table (style guide G6): a route added
// or removed shows up in review as a change to testdata/routes.txt. It
// needs no database: UPDATE_GOLDEN=1 go test ./internal/app -run
// TestRouteTable rewrites the file.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	r := newOfflineRouter(t)
	type route struct{ method, pattern string }
	var routes []route
	err := chi.Walk(r, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(pattern, "/test/") && !strings.HasPrefix(pattern, "/api/test/") {
			routes = append(routes, route{method, pattern})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(routes, func(a, b route) int {
		return cmp.Or(strings.Compare(a.pattern, b.pattern), strings.Compare(a.method, b.method))
	})
	var got strings.Builder
	for _, rt := range routes {
		fmt.Fprintf(&got, "%-7s %s\n", rt.method, rt.pattern)
	}
	const golden = "testdata/routes.txt"
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("route table changed (UPDATE_GOLDEN=1 go test ./internal/app -run TestRouteTable to accept):\n got:\n%s\nwant:\n%s", got.String(), want)
	}
}
