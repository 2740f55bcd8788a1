package queue_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/queue"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// failingArgs is a job that always fails.
type failingArgs struct{}

func (failingArgs) Kind() string { return "queue_test_failing" }

type failingWorker struct {
	river.WorkerDefaults[failingArgs]
}

func (failingWorker) Work(context.Context, *river.Job[failingArgs]) error {
	return errors.New("smtp: 554 mailbox unavailable")
}

// TestAdminJobsPage: a job that used up its attempts shows on
// /admin/jobs with its error; retry and cancel act on it; only admins
// get there.
func TestAdminJobsPage(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	opts := jobstest.Options()
	work := &jobs.Work{Workers: river.NewWorkers()}
	river.AddWorker(work.Workers, failingWorker{})
	jobstest.Start(t, pool, work, opts, nil)
	q, err := jobs.New(pool, slog.New(slog.DiscardHandler), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Insert(t.Context(), failingArgs{}, &river.InsertOpts{Queue: opts.Name, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Job.ID
	jobstest.Drain(t, pool, opts)

	h := httpxtest.New(t, httpxtest.Options{Pool: pool, Views: layout.ErrorViews()})
	c := queue.NewController(queue.NewService(q), h.Flash)
	srv := h.Serve(func(r chi.Router) {
		r.With(auth.RequireUser, auth.RequireAdmin).Route("/admin/jobs", c.Routes)
	})
	admin := srv.Client(&auth.Identity{UserID: 1, Email: "root@example.com", Role: auth.RoleAdmin})

	resp, body := admin.Get(queue.JobsURL())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/jobs = %d", resp.StatusCode)
	}
	row := httpxtest.Doc(t, body).Find(`[data-testid="job"][data-job-id="` + strconv.FormatInt(id, 10) + `"]`)
	if row.AttrOr("data-job-state", "") != "discarded" || !strings.Contains(row.Find(`[data-testid="job-error"]`).Text(), "554 mailbox unavailable") {
		t.Fatalf("discarded job row missing or wrong:\n%s", body)
	}

	for _, tt := range []struct {
		name, path string
		wantStatus int
		user       *auth.Identity
	}{
		{"signed out is sent to sign in", queue.JobsURL(), http.StatusSeeOther, nil},
		{"a user is refused", queue.JobsURL(), http.StatusForbidden, &auth.Identity{UserID: 2, Email: "ann@example.com", Role: auth.RoleUser}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if resp, _ := srv.Client(tt.user).Get(tt.path); resp.StatusCode != tt.wantStatus {
				t.Errorf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.wantStatus)
			}
		})
	}
	ann := srv.Client(&auth.Identity{UserID: 2, Email: "ann@example.com", Role: auth.RoleUser})
	if resp, _ := ann.Post(queue.CancelURL(id), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a user's cancel = %d, want 403", resp.StatusCode)
	}
	if resp, _ := admin.Post(queue.RetryURL(id+1_000_000), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("retry of a missing job = %d, want 404", resp.StatusCode)
	}

	// Retry runs it again (it fails again: one more attempt, discarded).
	if resp, _ := admin.Post(queue.RetryURL(id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry = %d, want 303", resp.StatusCode)
	}
	jobstest.Drain(t, pool, opts)
	job, err := q.JobGet(t.Context(), id)
	if err != nil || job.Attempt != 2 {
		t.Fatalf("after retry: %+v, %v; want a second attempt", job, err)
	}
	// A job waiting for its retry can be cancelled: it leaves the list.
	res, err = q.Insert(t.Context(), failingArgs{}, &river.InsertOpts{Queue: opts.Name, MaxAttempts: 5})
	if err != nil {
		t.Fatal(err)
	}
	jobstest.Drain(t, pool, opts)
	waiting := `data-job-id="` + strconv.FormatInt(res.Job.ID, 10) + `" data-job-state="retryable"`
	if _, body := admin.Get(queue.JobsURL()); !strings.Contains(body, waiting) {
		t.Fatalf("job waiting for a retry not listed:\n%s", body)
	}
	if resp, _ := admin.Post(queue.CancelURL(res.Job.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d, want 303", resp.StatusCode)
	}
	if _, body := admin.Get(queue.JobsURL()); strings.Contains(body, `data-job-id="`+strconv.FormatInt(res.Job.ID, 10)+`"`) {
		t.Errorf("cancelled job still listed:\n%s", body)
	}
}
