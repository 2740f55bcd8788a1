package main

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"

	"github.com/groundwork-dev/groundwork/bench/load"
)

// row is one line of the table: a target, its connections, and the row
// it is compared with (by name) with the goal for that ratio.
type row struct {
	name     string
	target   load.Target
	conns    int
	baseline string  // "" for the baselines themselves
	goal     float64 // minimum ratio to the baseline; 0: no goal, shown for information
}

// targets lists what is measured, in the order the rounds run them.
func targets(s *servers, c int) []row {
	page := "/tasks?limit=25"
	more := page + "&cursor=" + url.QueryEscape(s.cursor)
	t := func(p *proc, path string, htmx bool, cookie bool) load.Target {
		ck := ""
		if cookie {
			ck = s.cookie
		}
		return load.Target{URL: p.base + path, Header: header(ck, htmx)}
	}
	return []row{
		{"net/http JSON (baseline)", t(s.nethttp, "/json", false, false), c, "", 0},
		{"chi JSON (baseline)", t(s.chi, "/json", false, false), c, "net/http JSON (baseline)", 0},
		{"app /health (full stack)", t(s.app, "/health", false, false), c, "chi JSON (baseline)", 0.8},
		{"chi+templ home, no DB (baseline)", t(s.page, "/", false, false), c, "", 0},
		{"app home, anonymous", t(s.app, "/", false, false), c, "chi+templ home, no DB (baseline)", 0.8},
		{"fortunes 25 rows (baseline)", t(s.fortune, "/tasks", false, false), c, "", 0},
		{"app tasks page, 25 rows", t(s.app, page, false, true), c, "fortunes 25 rows (baseline)", 0.7},
		{"app GET /api/v1/tasks, 25", t(s.app, "/api/v1/tasks?limit=25", false, true), c, "fortunes 25 rows (baseline)", 0.7},
		{"app tasks page, gzip", gz(t(s.app, page, false, true)), c, "app tasks page, 25 rows", 0},
		{"app htmx fragment, 25 rows", t(s.app, more, true, true), c, "app tasks page, 25 rows", 1.2},
		{"app tasks page, 4 conns", t(s.app, page, false, true), 4, "app tasks page, 25 rows", 0},
		{"app tasks page, 128 conns", t(s.app, page, false, true), 128, "app tasks page, 25 rows", 0},
	}
}

// gz asks for a gzipped answer (the body bytes column is then the
// compressed size).
func gz(t load.Target) load.Target {
	t.Header.Set("Accept-Encoding", "gzip")
	return t
}

// median is the result with the median req/s of a row's rounds.
func median(rs []load.Result) load.Result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b load.Result) int {
		switch {
		case a.RPS() < b.RPS():
			return -1
		case a.RPS() > b.RPS():
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

func report(w io.Writer, rows []row, results [][]load.Result, f facts, o options) {
	med := map[string]load.Result{}
	for i, r := range rows {
		med[r.name] = median(results[i])
	}
	fmt.Fprintf(w, "\nmedian of %d rounds x %v per target, Go load client (bench/load), keep-alive\n\n", o.rounds, o.duration)
	fmt.Fprintf(w, "| %-34s | %5s | %9s | %8s | %8s | %7s | %6s | %-40s | %7s |\n",
		"target", "conns", "req/s", "p50", "p99", "body B", "errors", "ratio to", "goal")
	fmt.Fprintf(w, "|%s|\n", "------------------------------------|-------|-----------|----------|----------|---------|--------|------------------------------------------|---------")
	for i, r := range rows {
		m := med[r.name]
		errs := 0
		for _, res := range results[i] {
			errs += res.Errors
		}
		ratio := ""
		if r.baseline != "" {
			ratio = fmt.Sprintf("%.2fx %s", m.RPS()/med[r.baseline].RPS(), r.baseline)
		}
		goal := ""
		if r.goal > 0 {
			verdict := "met"
			if m.RPS()/med[r.baseline].RPS() < r.goal {
				verdict = "NOT"
			}
			goal = fmt.Sprintf("%.1f %s", r.goal, verdict)
		}
		fmt.Fprintf(w, "| %-34s | %5d | %9.0f | %8s | %8s | %7d | %6d | %-40s | %7s |\n",
			r.name, r.conns, m.RPS(), ms(m.P50), ms(m.P99), m.BodyBytes(), errs, ratio, goal)
	}
	fmt.Fprintf(w, "\napp start to first 200 on /health: %s\n", ms(f.startup))
	fmt.Fprintf(w, "app RSS: %.1f MiB idle, %.1f MiB after the load\n", float64(f.idleRSSKB)/1024, float64(f.rssAfterKB)/1024)
	fmt.Fprintf(w, "app binary (stripped, -s -w): %.1f MiB\n", float64(f.binaryBytes)/(1<<20))
	fmt.Fprintf(w, "SQL statements per request (pg_stat_statements, 100 sequential GETs): signed-in tasks page %.2f, anonymous home %.2f\n",
		f.pageStatements, f.homeStatements)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
