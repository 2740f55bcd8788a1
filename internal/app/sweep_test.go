package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/account"
)

// sweepTimeout is how long any one answer may take (issue 16: no hang).
// Answers take milliseconds; the margin is for a shared machine, where a
// request can wait seconds for a core, and a hang never answers at all.
const sweepTimeout = 10 * time.Second

// sweepShards is how many stacks (each on its own database) share the
// routes. The work waits on PostgreSQL far more than on the CPU, so even
// two cores keep four shards busy; within a shard, cases run one at a
// time, which is what lets a refused request be checked against the
// whole database.
const sweepShards = 4

// sweepMaxReports caps the failures of one kind reported one by one.
const sweepMaxReports = 15

// TestHostileInputSweep walks the route table (chi.Walk over the real
// router, like TestRouteTable) and sends every route the hostile corpus of
// httpxtest in every shape it takes (query, path, form, multipart, JSON),
// signed in as a user and as an admin; sweepInputs says what each route
// takes. Every answer must come within 10 s, be below 500, and leave no
// error in the log (a 5xx, a panic, or a data exception that reached
// PostgreSQL); a refused request must leave the database as it was; and
// text PostgreSQL cannot store must be refused by the boundary rule (400
// for query and path, 422 for form and JSON fields).
func TestHostileInputSweep(t *testing.T) {
	report := &sweepReport{t: t, counts: map[string]int{}}
	shards := make([]*sweeper, sweepShards)
	for i := range shards {
		shards[i] = newSweeper(t, report)
	}
	routes := shards[0].routes()
	for key := range sweepInputs {
		if !slices.Contains(routes, key) {
			t.Errorf("sweepInputs lists %q, which is not a route any more", key)
		}
	}
	for _, rt := range routes {
		if _, listed := sweepInputs[rt]; !listed {
			t.Logf("%s is not in sweepInputs: swept with generic field names (list it to sweep its real fields)", rt)
		}
	}
	work := shareRoutes(routes)

	start := time.Now()
	var wg sync.WaitGroup
	var requests atomic.Int64
	for i, s := range shards {
		wg.Go(func() {
			s.guard(func() {
				for _, rt := range work[i] {
					requests.Add(int64(s.sweepRoute(rt)))
				}
				s.integrity()
			})
		})
	}
	wg.Wait()
	report.summary()
	slowest := slices.MaxFunc(shards, func(a, b *sweeper) int { return cmp.Compare(a.slowest, b.slowest) })
	t.Logf("%d requests to %d routes in %v; the slowest answer took %v (%s)", requests.Load(), len(routes),
		time.Since(start).Round(time.Millisecond), slowest.slowest.Round(time.Millisecond), slowest.slowestCase)
}

// shareRoutes deals the routes out to the shards, the costliest first to
// the least loaded shard, so that they finish at about the same time.
func shareRoutes(routes []string) [][]string {
	cost := map[string]int{}
	for _, rt := range routes {
		method, pattern, _ := strings.Cut(rt, " ")
		in, listed := sweepInputs[rt]
		if !listed {
			in = sweepDefault
		}
		cost[rt] = 2 * len(sweepCases(method, pattern, in, account.RoleUser))
		if in.fresh {
			cost[rt] *= 2 // an account and a sign-in per request
		}
	}
	sorted := slices.Clone(routes)
	slices.SortStableFunc(sorted, func(a, b string) int { return cost[b] - cost[a] })
	work, load := make([][]string, sweepShards), make([]int, sweepShards)
	for _, rt := range sorted {
		i := slices.Index(load, slices.Min(load))
		work[i], load[i] = append(work[i], rt), load[i]+cost[rt]
	}
	return work
}

// sweeper runs sweep cases, one at a time, on its own stack and database.
type sweeper struct {
	t        *testing.T
	report   *sweepReport
	st       *testStack
	errs     *errorLog
	seq      atomic.Int64 // unique emails
	accounts map[account.Role]*sweepAccount
	// known is the fingerprint after the last refused request, while
	// nothing has written since (dirty false): it saves a query per case.
	known string
	dirty bool
	// slowest is the longest answer so far, to see how close to the limit.
	slowest     time.Duration
	slowestCase string
}

// sweepAbort stops one shard: its stack is in a state the sweep cannot
// judge (a helper failed, or a request hung).
type sweepAbort struct{ msg string }

func (s *sweeper) abort(format string, args ...any) {
	panic(sweepAbort{fmt.Sprintf(format, args...)})
}

// guard runs f and reports an abort as a test failure (t.Fatal may not be
// called from a shard's goroutine).
func (s *sweeper) guard(f func()) {
	defer func() {
		if p := recover(); p != nil {
			a, ok := p.(sweepAbort)
			if !ok {
				panic(p)
			}
			s.t.Errorf("sweep stopped: %s", a.msg)
		}
	}()
	f()
}

func newSweeper(t *testing.T, report *sweepReport) *sweeper {
	cfg := testConfig(t)
	cfg.AuthRateLimit = 1 << 30 // the per-address limit has its own test; here it would hide routes
	errs := &errorLog{}
	s := &sweeper{t: t, report: report, st: newTestStack(t, cfg, errs, nil), errs: errs, accounts: map[account.Role]*sweepAccount{}}
	s.st.startJobs(t)
	s.guard(func() {
		s.farIDs()
		for _, role := range []account.Role{account.RoleUser, account.RoleAdmin} {
			a := s.newAccount(role, true)
			a.taskID = s.newTask(a)
			s.accounts[role] = a
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return s
}

// routes returns "METHOD pattern" for every route, as TestRouteTable
// lists them (without the test stack's own /test/ routes), sorted.
func (s *sweeper) routes() []string {
	var routes []string
	err := chi.Walk(s.st.mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(pattern, "/test/") && !strings.HasPrefix(pattern, "/api/test/") {
			routes = append(routes, method+" "+pattern)
		}
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	slices.Sort(routes)
	return routes
}

// sweepRoute runs every case of one route, as each role, and returns how
// many requests that was.
func (s *sweeper) sweepRoute(rt string) int {
	method, pattern, _ := strings.Cut(rt, " ")
	in, listed := sweepInputs[rt]
	if !listed {
		in = sweepDefault
	}
	n := 0
	for _, role := range []account.Role{account.RoleUser, account.RoleAdmin} {
		for _, c := range sweepCases(method, pattern, in, role) {
			c.listed = listed
			s.run(c)
			n++
		}
	}
	s.stillSignedIn(rt)
	return n
}

// run sends one case and checks the answer.
func (s *sweeper) run(c sweepCase) {
	a := s.accounts[c.role]
	if c.in.fresh {
		a = s.newAccount(c.role, true)
	}
	req := c.request(s, a)
	s.st.drainJobs(s.t) // mail sent while building the request writes tokens
	before, logged := s.known, s.errs.count()
	if s.dirty || before == "" {
		before = s.fingerprint()
	}
	s.dirty = true
	began := time.Now()
	rec, err := s.serve(req, c.in.stream)
	if d := time.Since(began); d > s.slowest {
		s.slowest, s.slowestCase = d, c.String()
	}
	if err != nil {
		s.abort("%v: %v", c, err)
	}
	s.st.drainJobs(s.t)
	status := rec.Code
	if status >= 500 {
		s.report.fail(c, "5xx", "answered %d", status)
	}
	if lines := s.errs.since(logged); len(lines) > 0 {
		s.report.fail(c, "error log", "logged an error (5xx, panic, or input that reached the database):\n%s", strings.Join(lines, "\n"))
	}
	if status >= 400 {
		after := s.fingerprint()
		if after != before {
			s.report.fail(c, "database", "was refused with %d but changed the database:\n before %s\n after  %s", status, before, after)
		}
		s.known, s.dirty = after, false
	}
	if msg := c.checkStatus(status, rec.Body.String(), rec.Header().Get("Content-Type")); msg != "" {
		s.report.fail(c, "status", "%s", msg)
	}
}

// serve runs req through the router, with the sweep's time limit. A
// stream (server-sent events) is cut off after streamFor: its status and
// headers are what the sweep checks.
func (s *sweeper) serve(req *http.Request, stream bool) (*httptest.ResponseRecorder, error) {
	rec := httptest.NewRecorder()
	var w http.ResponseWriter = rec
	if stream {
		ctx, cancel := context.WithTimeout(req.Context(), streamFor)
		defer cancel()
		req, w = req.WithContext(ctx), deadlineRecorder{rec}
	}
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		s.st.mux.ServeHTTP(w, req)
	}()
	select {
	case p := <-done:
		if p != nil {
			return nil, fmt.Errorf("panic through the middleware: %v", p)
		}
		return rec, nil
	case <-time.After(sweepTimeout):
		return nil, errors.New("no answer within " + sweepTimeout.String())
	}
}

// streamFor is how long the sweep lets a stream run.
const streamFor = 200 * time.Millisecond

// deadlineRecorder is a recorder that takes write deadlines, as a real
// connection does (the SSE broker sets one per write).
type deadlineRecorder struct{ *httptest.ResponseRecorder }

func (deadlineRecorder) SetWriteDeadline(time.Time) error { return nil }

// stillSignedIn checks that the shared accounts were not signed out by the
// route just swept (a route that ends sessions must be marked fresh, or
// the rest of the sweep would only see the sign-in redirect).
func (s *sweeper) stillSignedIn(route string) {
	for role, a := range s.accounts {
		req := httptest.NewRequest(http.MethodGet, "/account", nil)
		req.Header.Set("Cookie", a.cookie)
		rec := httptest.NewRecorder()
		s.st.mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			s.abort("after sweeping %s, the %s's session is gone (GET /account = %d): mark the route fresh in sweepInputs", route, role, rec.Code)
		}
	}
}
