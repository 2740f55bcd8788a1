package account_test

import (
	"log/slog"
	"testing"

	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// rerunAll makes every job of the mailbox's queue run again (River's
// JobRetry on completed jobs), and waits for them: "running it twice".
func rerunAll(t *testing.T, box *mailbox) {
	t.Helper()
	q, err := jobs.New(box.pool, slog.New(slog.DiscardHandler), box.jobs, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := box.pool.Query(t.Context(), `SELECT id FROM river_job WHERE queue = $1`, box.jobs.Name)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		t.Fatal("no jobs to run again")
	}
	for _, id := range ids {
		if _, err := q.JobRetry(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	box.Wait()
}

// TestJobsAreIdempotent runs each account job kind twice: one email, one
// token row, the same rows purged.
func TestJobsAreIdempotent(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := testCtx(t)

	t.Run("verification email", func(t *testing.T) {
		svc, box := newService(t, pool)
		u, err := svc.Signup(ctx, account.SignupInput{Email: "twice@example.com", Password: goodPassword}, ipX)
		if err != nil {
			t.Fatal(err)
		}
		box.Wait()
		rerunAll(t, box)
		if n := len(box.Messages()); n != 1 {
			t.Errorf("emails = %d, want 1", n)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE user_id = $1`, u.ID); n != 1 {
			t.Errorf("tokens = %d, want 1", n)
		}
	})

	t.Run("password reset email", func(t *testing.T) {
		svc, box := newService(t, pool)
		u := mustSignup(t, svc, "reset-twice@example.com", goodPassword)
		if err := svc.RequestPasswordReset(ctx, account.ForgotInput{Email: u.Email}, ipX); err != nil {
			t.Fatal(err)
		}
		box.Wait()
		rerunAll(t, box)
		if n := len(box.Messages()); n != 1 {
			t.Errorf("emails = %d, want 1", n)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE user_id = $1`, u.ID); n != 1 {
			t.Errorf("tokens = %d, want 1", n)
		}
	})

	t.Run("a repeated request is one job", func(t *testing.T) {
		svc, box := newService(t, pool)
		u := mustSignup(t, svc, "double-click@example.com", goodPassword)
		for range 2 {
			if err := svc.ResendVerification(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		box.Wait()
		if n := len(box.Messages()); n != 1 {
			t.Errorf("emails = %d, want 1 (unique insert within a minute)", n)
		}
	})

	t.Run("purge", func(t *testing.T) {
		_, box := newService(t, pool)
		q, err := jobs.New(pool, slog.New(slog.DiscardHandler), box.jobs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('old@example.com', '192.0.2.1', now() - interval '2 hours')`); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Insert(ctx, account.PurgeArgs{}, &river.InsertOpts{Queue: box.jobs.Name}); err != nil {
			t.Fatal(err)
		}
		box.Wait()
		rerunAll(t, box)
		if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = 'old@example.com'`); n != 0 {
			t.Errorf("old sign-in failures = %d after two purges, want 0", n)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM river_job WHERE queue = $1 AND state = 'completed'`, box.jobs.Name); n != 1 {
			t.Errorf("completed purge jobs = %d, want 1", n)
		}
	})
}
