package load_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/bench/load"
)

// TestRun counts answers and bytes, sends the target's headers and
// counts a wrong status as an error.
func TestRun(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "session=x" {
			http.Error(w, "no cookie", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte("0123456789"))
	}))
	defer srv.Close()

	res, err := load.Run(t.Context(), load.Target{URL: srv.URL, Header: http.Header{"Cookie": {"session=x"}}}, 2, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 || res.BodyBytes() != 10 || res.P99 < res.P50 || res.RPS() <= 0 {
		t.Errorf("result = %+v", res)
	}

	res, err = load.Run(t.Context(), load.Target{URL: srv.URL}, 1, 100*time.Millisecond)
	if err == nil || res.Requests != 0 || res.Errors == 0 {
		t.Errorf("without the cookie: result %+v, err %v; want only errors", res, err)
	}
}
