package account_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRepositoryFailureCounts(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)
	const (
		ipWindow  = 15 * time.Minute
		accWindow = time.Hour
	)
	for range 3 {
		if err := repo.RecordFailure(ctx, "ada@example.com", "192.0.2.1"); err != nil {
			t.Fatalf("RecordFailure: %v", err)
		}
	}
	if err := repo.RecordFailure(ctx, "ada@example.com", "192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	if err := repo.RecordFailure(ctx, "bob@example.com", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	// From X, 5 minutes ago: the oldest inside the IP window.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '5 minutes')`)
	// From X, 30 minutes ago: outside the IP window, inside the account one.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '30 minutes')`)
	// Two hours ago: outside both.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '2 hours')`)

	fromIP, total, err := repo.FailureCounts(ctx, "ada@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatalf("FailureCounts: %v", err)
	}
	if fromIP.Count != 4 || total.Count != 6 {
		t.Errorf("FailureCounts(ada, X) counts = %d from IP, %d total; want 4, 6", fromIP.Count, total.Count)
	}
	// The oldest in the IP window is 5 minutes old: it leaves in about 10.
	if fromIP.RetryIn <= 9*time.Minute || fromIP.RetryIn > 10*time.Minute {
		t.Errorf("fromIP.RetryIn = %v, want about 10m", fromIP.RetryIn)
	}
	// The oldest in the account window is 30 minutes old: about 30 min left.
	if total.RetryIn <= 29*time.Minute || total.RetryIn > 30*time.Minute {
		t.Errorf("total.RetryIn = %v, want about 30m", total.RetryIn)
	}

	fromIP, total, err = repo.FailureCounts(ctx, "ada@example.com", "198.51.100.7", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if fromIP.Count != 0 || fromIP.RetryIn != 0 || total.Count != 6 {
		t.Errorf("FailureCounts(ada, fresh IP) = %+v, %+v; want 0 from IP (RetryIn 0), 6 total", fromIP, total)
	}

	fromIP, total, err = repo.FailureCounts(ctx, "nobody@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([2]int{0, 0}, [2]int{fromIP.Count, total.Count}); diff != "" || fromIP.RetryIn != 0 || total.RetryIn != 0 {
		t.Errorf("FailureCounts(no failures) = %+v, %+v; want zero", fromIP, total)
	}

	if err := repo.ClearFailures(ctx, "ada@example.com", "192.0.2.1"); err != nil {
		t.Fatalf("ClearFailures: %v", err)
	}
	fromIP, total, err = repo.FailureCounts(ctx, "ada@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if fromIP.Count != 0 || total.Count != 1 {
		t.Errorf("after ClearFailures(ada, X): %d from IP, %d total; want 0, 1 (the other IP's)", fromIP.Count, total.Count)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = 'bob@example.com'`); n != 1 {
		t.Errorf("ClearFailures(ada) touched bob's failures: %d left, want 1", n)
	}
}
