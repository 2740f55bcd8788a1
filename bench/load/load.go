// Package load is a small closed-loop HTTP load generator: a fixed number
// of connections, each sending its next request as soon as the previous
// answer is read, for a fixed time. It stands in for wrk (which is not
// installed everywhere); since it measures every target the same way, the
// ratios between targets are what matter, not the absolute figures (the
// client shares the machine's cores with the server it measures).
package load

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Target is one request to repeat.
type Target struct {
	URL    string
	Header http.Header
}

// Result is what one run measured.
type Result struct {
	Requests int           // answers with the expected status
	Errors   int           // transport errors and unexpected statuses
	Elapsed  time.Duration // wall time of the run
	Bytes    int64         // response body bytes read
	P50, P99 time.Duration // latency percentiles of the successful requests
	Mean     time.Duration
}

// RPS is the successful requests per second.
func (r Result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// BodyBytes is the mean body size of a response.
func (r Result) BodyBytes() int64 {
	if r.Requests == 0 {
		return 0
	}
	return r.Bytes / int64(r.Requests)
}

// Run sends t over conns keep-alive connections for d and expects status
// 200 from each answer. Bodies are read in full and not decompressed.
func Run(ctx context.Context, t Target, conns int, d time.Duration) (Result, error) {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	workers := make([]worker, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		wg.Go(func() { workers[i].loop(ctx, client, t) })
	}
	wg.Wait()
	return merge(workers, time.Since(start))
}

type worker struct {
	lat    []time.Duration
	errors int
	bytes  int64
	first  error
}

func (w *worker) loop(ctx context.Context, c *http.Client, t Target) {
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
		if err != nil {
			w.fail(err)
			return
		}
		for k, v := range t.Header {
			req.Header[k] = v
		}
		begin := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				w.fail(err)
			}
			continue
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case err != nil && ctx.Err() != nil:
			return // cut off by the end of the run: not counted
		case err != nil:
			w.fail(err)
		case resp.StatusCode != http.StatusOK:
			w.fail(fmt.Errorf("GET %s: status %d", t.URL, resp.StatusCode))
		default:
			w.lat = append(w.lat, time.Since(begin))
			w.bytes += n
		}
	}
}

func (w *worker) fail(err error) {
	w.errors++
	if w.first == nil {
		w.first = err
	}
}

// merge sums the workers' counts; it fails when nothing succeeded, with
// the first error seen.
func merge(ws []worker, elapsed time.Duration) (Result, error) {
	r := Result{Elapsed: elapsed}
	var all []time.Duration
	var first error
	var sum time.Duration
	for _, w := range ws {
		all = append(all, w.lat...)
		r.Errors += w.errors
		r.Bytes += w.bytes
		if first == nil {
			first = w.first
		}
	}
	r.Requests = len(all)
	if r.Requests == 0 {
		if first == nil {
			first = fmt.Errorf("no request completed in %v", elapsed)
		}
		return r, first
	}
	slices.Sort(all)
	for _, l := range all {
		sum += l
	}
	r.Mean = sum / time.Duration(len(all))
	r.P50 = all[len(all)/2]
	r.P99 = all[len(all)*99/100]
	return r, nil
}
