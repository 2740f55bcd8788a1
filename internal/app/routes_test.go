package app

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
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

// TestPanicContainment is T28: a panicking handler gives a generic 500
// with the request ID, the stack is logged once, and the server goes on.
func TestPanicContainment(t *testing.T) {
	var logs logtest.Buffer
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), &logs))
	defer srv.Close()
	baseline := runtime.NumGoroutine()

	for _, accept := range []string{"text/html", "application/json"} {
		resp, body := get(t, srv.URL+"/test/panic", "Accept", accept, "X-Request-ID", "panic-"+accept[:4])
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("panic (%s) = %d, want 500", accept, resp.StatusCode)
		}
		if strings.Contains(body, "secret panic detail") || strings.Contains(body, "goroutine") {
			t.Errorf("500 body leaks the panic:\n%s", body)
		}
		if !strings.Contains(body, "panic-"+accept[:4]) {
			t.Errorf("500 body (%s) lacks the request ID:\n%s", accept, body)
		}
	}
	failures := logs.WithMsg(t, "request failed")
	if len(failures) != 2 {
		t.Fatalf("got %d 'request failed' log lines, want one per panic:\n%s", len(failures), logs.String())
	}
	if cause, _ := failures[0]["err"].(string); !strings.Contains(cause, "secret panic detail") || !strings.Contains(cause, "goroutine") {
		t.Errorf("log line lacks the panic and its stack: %q", cause)
	}
	if resp, _ := get(t, srv.URL+"/health"); resp.StatusCode != http.StatusOK {
		t.Errorf("after a panic, /health = %d", resp.StatusCode)
	}
	srv.CloseClientConnections()
	time.Sleep(100 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > baseline+5 {
		t.Errorf("goroutines = %d, baseline %d: a panic leaked goroutines", n, baseline)
	}
}

// TestBodyLimits is T24 through the real middleware: an endless chunked
// body is cut at the limit with 413, quickly, without being read.
func TestBodyLimits(t *testing.T) {
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer srv.Close()

	for _, tt := range []struct{ path, contentType, wantType string }{
		{"/api/test/json", "application/json", "application/problem+json"},
		{"/test/form", "application/x-www-form-urlencoded", "text/html; charset=utf-8"},
	} {
		body := &countingReader{limit: 2 << 30} // 2 GiB, streamed (chunked)
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+tt.path, body)
		req.Header.Set("Content-Type", tt.contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s with a 2 GiB body: %v", tt.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != tt.wantType {
			t.Errorf("POST %s 2 GiB = %d %q, want 413 %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.wantType)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("POST %s 2 GiB took %v, want < 2s", tt.path, d)
		}
		// The client may have pushed some more into socket buffers, but
		// nowhere near the whole body.
		if n := body.read; n > 64<<20 {
			t.Errorf("POST %s: client sent %d MiB before the server gave up", tt.path, n>>20)
		}
	}

	resp, body := do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":"ok"}`), "Content-Type", "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("small JSON body = %d %s, want 201", resp.StatusCode, body)
	}
	resp, body = do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":""}`), "Content-Type", "application/json")
	var p httpx.Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != 422 || p.Errors["title"] == "" {
		t.Errorf("invalid JSON body = %d %s, want 422 with errors.title", resp.StatusCode, body)
	}
	resp, _ = do(t, http.MethodPost, srv.URL+"/api/test/json", strings.NewReader(`{"title":"ok"}`), "Content-Type", "text/plain")
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain to a JSON route = %d, want 415", resp.StatusCode)
	}
}

// countingReader streams limit bytes of a valid-looking body, a field
// value that never ends, and counts how many were read.
type countingReader struct{ read, limit int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.read >= c.limit {
		return 0, io.EOF
	}
	n := min(int64(len(p)), c.limit-c.read)
	for i := range p[:n] {
		p[i] = 'a'
	}
	if c.read == 0 && n >= 10 {
		copy(p, `{"title":"`) // JSON stays valid until the limit cuts it
	}
	c.read += n
	return int(n), nil
}

// TestCrossOriginMatrix is T9 on a POST route of the real router: the
// Sec-Fetch-Site / Origin matrix, with the handler never reached on 403.
func TestCrossOriginMatrix(t *testing.T) {
	srv := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"same-origin", []string{"Sec-Fetch-Site", "same-origin"}, 201},
		{"none (typed URL, bookmark)", []string{"Sec-Fetch-Site", "none"}, 201},
		{"same-site", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"cross-site", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"old browser, Origin is host", []string{"Origin", "http://" + host}, 201},
		{"old browser, foreign Origin", []string{"Origin", "https://attacker.example"}, 403},
		{"Origin null", []string{"Origin", "null"}, 403},
		{"no browser headers (curl)", nil, 201},
		{"trusted BASE_URL origin", []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://localhost:8080"}, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/test/form", "/api/test/json"} {
				body, ct := "title=x", "application/x-www-form-urlencoded"
				if strings.HasPrefix(path, "/api/") {
					body, ct = `{"title":"x"}`, "application/json"
				}
				resp, got := do(t, http.MethodPost, srv.URL+path, strings.NewReader(body), append([]string{"Content-Type", ct}, tt.header...)...)
				if resp.StatusCode != tt.want {
					t.Errorf("POST %s = %d, want %d: %s", path, resp.StatusCode, tt.want, got)
				}
				if tt.want == 403 {
					wantType := "text/html; charset=utf-8"
					if strings.HasPrefix(path, "/api/") {
						wantType = "application/problem+json"
					}
					if resp.Header.Get("Content-Type") != wantType {
						t.Errorf("POST %s 403 Content-Type = %q, want %q", path, resp.Header.Get("Content-Type"), wantType)
					}
				}
			}
		})
	}
	// Safe methods pass whatever the headers say.
	resp, _ := get(t, srv.URL+"/", "Sec-Fetch-Site", "cross-site", "Origin", "https://attacker.example")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("cross-site GET / = %d, want 200", resp.StatusCode)
	}
}

// TestCORS is T8: no CORS headers unless configured; then only the listed
// origins, echoed exactly.
func TestCORS(t *testing.T) {
	off := httptest.NewServer(newTestRouter(t, testConfig(t), io.Discard))
	defer off.Close()
	resp, _ := do(t, http.MethodOptions, off.URL+"/api/test/json", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS off: Access-Control-Allow-Origin = %q", got)
	}

	cfg := testConfig(t)
	cfg.CORSAllowedOrigins = []string{"https://app.example"}
	on := httptest.NewServer(newTestRouter(t, cfg, io.Discard))
	defer on.Close()
	for origin, want := range map[string]string{"https://app.example": "https://app.example", "https://evil.example": "", "null": ""} {
		resp, _ := do(t, http.MethodOptions, on.URL+"/api/test/json", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
	}
	resp, _ = do(t, http.MethodPost, on.URL+"/api/test/json", strings.NewReader(`{"title":"x"}`),
		"Content-Type", "application/json", "Origin", "https://app.example", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("cross-site POST from the allowed origin = %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestSecurityHeadersOnErrorResponses completes T1 with the response
// classes the end-to-end test cannot provoke: 413, 415, 429, 500 and 405,
// as pages and as problem+json.
func TestSecurityHeadersOnErrorResponses(t *testing.T) {
	cfg := testConfig(t)
	cfg.AuthRateLimit = 1
	srv := httptest.NewServer(newTestRouter(t, cfg, io.Discard))
	defer srv.Close()
	big := strings.Repeat("a", httpx.MaxBodyBytes+1)
	tests := []struct {
		name         string
		method, path string
		body, ctype  string
		want         int
	}{
		{"413 problem", "POST", "/api/test/json", `{"title":"` + big + `"}`, "application/json", 413},
		{"413 page", "POST", "/test/form", "title=" + big, "application/x-www-form-urlencoded", 413},
		{"415", "POST", "/api/test/json", "{}", "text/plain", 415},
		{"500 page", "GET", "/test/panic", "", "", 500},
		{"405", "DELETE", "/health", "", "", 405},
		{"429 first", "GET", "/login", "", "", 200},
		{"429", "GET", "/login", "", "", 429},
	}
	for _, tt := range tests {
		resp, _ := do(t, tt.method, srv.URL+tt.path, strings.NewReader(tt.body), "Content-Type", tt.ctype)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-ID") == "" {
			t.Errorf("%s: security headers missing: %v", tt.name, h)
		}
		if ct := h.Get("Content-Type"); tt.want >= 400 && !strings.Contains(ct, "charset=utf-8") && ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tt.name, ct)
		}
	}
}
