// Command run is `make bench`: it starts the app (production mode) and the
// baselines of bench/baseline on the database DATABASE_URL names, signs
// in, seeds 50 tasks, then measures every target in turn with the load
// client of bench/load, interleaved over several rounds, and prints the
// medians and each target's ratio to its baseline, with the machine and
// its load average.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/groundwork-dev/groundwork/bench/load"
)

type options struct {
	app, baseline string
	rounds        int
	duration      time.Duration
	conns         int
	dbURL         string
	profile       string // write a CPU profile of the app under load on profilePath here, and stop
	profilePath   string
}

func main() {
	var o options
	flag.StringVar(&o.app, "app", "bin/app", "the app binary")
	flag.StringVar(&o.baseline, "baseline", "bin/baseline", "the baseline binary (bench/baseline)")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds; the table shows medians")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "load time per target per round")
	flag.IntVar(&o.conns, "conns", 32, "connections, except for the connection-scaling rows")
	flag.StringVar(&o.profile, "profile", "", "instead of the table: a CPU profile of the app under load, to this file (go tool pprof)")
	flag.StringVar(&o.profilePath, "profile-path", "/tasks?limit=25", "with -profile: the path loaded (signed in)")
	flag.Parse()
	o.dbURL = os.Getenv("DATABASE_URL")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// servers is what a run starts.
type servers struct {
	app                         *proc
	storageDir                  string // the app's STORAGE_DIR (uploads; none are made here)
	adminURL                    string // the app's admin listener (metrics, pprof)
	nethttp, chi, page, fortune *proc
	startup                     time.Duration
	cookie, cursor              string
}

func (s *servers) stop() {
	for _, p := range []*proc{s.app, s.nethttp, s.chi, s.page, s.fortune} {
		p.stop()
	}
	if s.storageDir != "" {
		_ = os.RemoveAll(s.storageDir)
	}
}

func run(ctx context.Context, o options) error {
	if o.dbURL == "" {
		return fmt.Errorf("DATABASE_URL is not set (make bench starts a throwaway PostgreSQL)")
	}
	fmt.Printf("machine: %s\nload average before: %s\n", machine(), loadavg())
	s, err := startAll(ctx, o)
	defer s.stop()
	if err != nil {
		return err
	}
	if o.profile != "" {
		return profile(ctx, s, o)
	}
	facts, err := measureFacts(ctx, o, s)
	if err != nil {
		return err
	}
	rows := targets(s, o.conns)
	results, err := measure(ctx, rows, o)
	if err != nil {
		return err
	}
	facts.rssAfterKB = s.app.rssKB()
	report(os.Stdout, rows, results, facts, o)
	fmt.Printf("load average after: %s\n", loadavg())
	return nil
}

// appEnv is the app's production configuration for the run; production
// requires an explicit STORAGE_DIR for the local storage driver.
func appEnv(o options, addr, admin, storageDir string) []string {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return []string{
		"APP_ENV=production", "HTTP_ADDR=" + addr, "BASE_URL=https://127.0.0.1", "ALLOWED_HOSTS=127.0.0.1",
		"DATABASE_URL=" + o.dbURL, "SECRET_KEY=" + hex.EncodeToString(secret), "SMTP_URL=smtp://127.0.0.1:1",
		"ADMIN_ADDR=" + admin, "MIGRATE_ON_START=false", "JOBS_IN_PROCESS=false", "LOG_LEVEL=info",
		"LOG_FORMAT=json", "AUTH_RATE_LIMIT=1000", "STORAGE_DIR=" + storageDir,
	}
}

// startAll prepares the database, starts the app and the baselines,
// signs in and seeds the tasks.
func startAll(ctx context.Context, o options) (*servers, error) {
	s := &servers{}
	addr, err := freeAddr()
	if err != nil {
		return s, err
	}
	admin, err := freeAddr()
	if err != nil {
		return s, err
	}
	s.adminURL = "http://" + admin
	if s.storageDir, err = os.MkdirTemp("", "groundwork-bench-storage-"); err != nil {
		return s, err
	}
	env := appEnv(o, addr, admin, s.storageDir)
	user, err := prepare(ctx, o.app, env, o.dbURL)
	if err != nil {
		return s, err
	}
	if s.app, s.startup, err = start(ctx, "app", o.app, addr, "/health", env); err != nil {
		return s, err
	}
	if s.cookie, err = signIn(s.app.base); err != nil {
		return s, err
	}
	if s.cursor, err = seed(s.app.base, s.cookie); err != nil {
		return s, err
	}
	for _, b := range []struct {
		p     **proc
		mode  string
		probe string
	}{{&s.nethttp, "nethttp", "/json"}, {&s.chi, "chi", "/json"}, {&s.page, "page", "/"}, {&s.fortune, "fortunes", "/tasks"}} {
		a, err := freeAddr()
		if err != nil {
			return s, err
		}
		if *b.p, _, err = start(ctx, b.mode, o.baseline, a, b.probe, []string{"DATABASE_URL=" + o.dbURL},
			"-mode", b.mode, "-addr", a, "-user", strconv.FormatInt(user, 10)); err != nil {
			return s, err
		}
	}
	return s, nil
}

// facts are the single figures: startup, memory, size, statements.
type facts struct {
	startup               time.Duration
	idleRSSKB, rssAfterKB int64
	binaryBytes           int64
	pageStatements        float64
	homeStatements        float64
}

func measureFacts(ctx context.Context, o options, s *servers) (facts, error) {
	f := facts{startup: s.startup, idleRSSKB: s.app.rssKB()}
	if st, err := os.Stat(o.app); err == nil {
		f.binaryBytes = st.Size()
	}
	var err error
	if f.pageStatements, err = statements(ctx, o.dbURL, s.app.base, "/tasks?limit=25", s.cookie, 100); err != nil {
		return f, err
	}
	f.homeStatements, err = statements(ctx, o.dbURL, s.app.base, "/", "", 100)
	return f, err
}

// measure runs every row once per round, in order, after one short
// warm-up pass; it returns each row's results, one per round.
func measure(ctx context.Context, rows []row, o options) ([][]load.Result, error) {
	for _, r := range rows {
		if _, err := load.Run(ctx, r.target, r.conns, 300*time.Millisecond); err != nil {
			return nil, fmt.Errorf("warm-up %s: %w", r.name, err)
		}
	}
	out := make([][]load.Result, len(rows))
	for round := range o.rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d...\n", round+1, o.rounds)
		for i, r := range rows {
			res, err := load.Run(ctx, r.target, r.conns, o.duration)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.name, err)
			}
			out[i] = append(out[i], res)
		}
	}
	return out, nil
}

func header(cookie string, htmx bool) http.Header {
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	if htmx {
		h.Set("HX-Request", "true")
	}
	return h
}
