package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestMetricsByRoutePattern: requests show up under their route pattern,
// and 1,000 distinct task URLs (plus junk paths) make a handful of series,
// each one a route of the golden route table or "unmatched".
func TestMetricsByRoutePattern(t *testing.T) {
	t.Parallel()
	st := newObsStack(t, false, nil)
	c := st.client(t)
	st.signIn(t, c, "alice@example.com")
	for i := range 3 {
		if resp := send(t, c, "POST", st.URL+"/tasks", url.Values{"title": {fmt.Sprint("task ", i)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create task = %d, want 303", resp.StatusCode)
		}
	}
	own := map[int]bool{}
	rows, err := st.pool.Query(context.Background(), "SELECT id FROM tasks")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		own[id] = true
	}
	if rows.Err() != nil || len(own) != 3 {
		t.Fatalf("tasks: %v, %v", own, rows.Err())
	}

	const n = 1000
	for i := 1; i <= n; i++ {
		send(t, c, "GET", fmt.Sprintf("%s/tasks/%d", st.URL, i), nil)
	}
	for i := 1; i <= 100; i++ {
		send(t, c, "GET", fmt.Sprintf("%s/api/v1/tasks/%d", st.URL, 100000+i), nil)
		send(t, c, "GET", fmt.Sprintf("%s/no/such/page/%d", st.URL, i), nil)
		send(t, c, "GET", fmt.Sprintf("%s/tasks/%d/no-such-action", st.URL, i), nil)
	}
	send(t, st.client(t), "GET", st.URL+"/tasks/77", nil) // signed out: redirected by the group's middleware

	series := requestSeries(t, st.metrics)
	known := knownRoutes(t)
	for key := range series {
		if !known[key[1]] {
			t.Errorf("route label %q is not a route pattern (series %v)", key[1], key)
		}
	}
	if len(series) > 12 {
		t.Errorf("%d series after %d distinct URLs, want a handful: %v", len(series), n+301, series)
	}
	for key, want := range map[[3]string]float64{
		{"POST", "/login", "3xx"}:            1,
		{"POST", "/tasks", "3xx"}:            3,
		{"GET", "/tasks/{id}", "2xx"}:        float64(len(own)),
		{"GET", "/tasks/{id}", "4xx"}:        float64(n - len(own)),
		{"GET", "/tasks/{id}", "3xx"}:        1,
		{"GET", "/api/v1/tasks/{id}", "4xx"}: 100,
		{"GET", "unmatched", "4xx"}:          200,
	} {
		if got := series[key]; got != want {
			t.Errorf("http_requests_total%v = %v, want %v", key, got, want)
		}
	}

	// The text the admin listener serves says the same, without raw paths.
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Host = "127.0.0.1:9090"
	rec := httptest.NewRecorder()
	adminHandler(st.metrics).ServeHTTP(rec, req)
	body := rec.Body.String()
	if !strings.Contains(body, fmt.Sprintf(`http_requests_total{method="GET",route="/tasks/{id}",status="4xx"} %d`, n-len(own))) {
		t.Errorf("/metrics lacks the /tasks/{id} 4xx count:\n%s", body)
	}
	for _, raw := range []string{"/tasks/5\"", "/tasks/999", "no-such", "/no/such"} {
		if strings.Contains(body, raw) {
			t.Errorf("/metrics contains the raw path %q", raw)
		}
	}
	if !strings.Contains(body, "pgxpool_acquires_total") || !strings.Contains(body, "pgxpool_acquire_duration_seconds_count") {
		t.Error("/metrics lacks the pool metrics")
	}
}

// TestThrottleMetrics: each sign-in throttle counts the requests it refuses.
func TestThrottleMetrics(t *testing.T) {
	t.Parallel()
	st := newObsStack(t, false, func(c *Config) { c.AuthRateLimit = 6 })
	if _, err := st.f.accounts.CreateUser(context.Background(), "bob@example.com", alicePassword, "user", true); err != nil {
		t.Fatal(err)
	}
	c := st.client(t)
	login := func(pw string) int {
		return send(t, c, "POST", st.URL+"/login", url.Values{"email": {"bob@example.com"}, "password": {pw}}).StatusCode
	}
	for i := range 5 {
		if got := login(fmt.Sprint("wrong ", i)); got != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, got)
		}
	}
	if got := login(alicePassword); got != http.StatusTooManyRequests {
		t.Fatalf("6th attempt = %d, want 429 from the account throttle", got)
	}
	if got := login(alicePassword); got != http.StatusTooManyRequests {
		t.Fatalf("7th attempt = %d, want 429 from the per-address limit", got)
	}
	families, err := st.metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() == "login_throttle_hits_total" {
			for _, m := range f.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	if got["account"] != 1 || got["client_ip"] != 1 {
		t.Errorf("login_throttle_hits_total = %v, want account 1 and client_ip 1", got)
	}
}
