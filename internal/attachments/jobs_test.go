package attachments_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
)

// TestCleanup: uploads never finalized after a day, and the files of a
// deleted task, leave storage; running the clean-up twice changes nothing
// more.
func TestCleanup(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	alice, task := s.user(t)
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("y", 50))
	upload := func() attachments.Uploaded {
		var up attachments.Uploaded
		postJSON(t, alice, "/api/v1/uploads", attachments.UploadInput{Filename: "a.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}, &up)
		if code := put(t, up, pdf, "application/pdf"); code != http.StatusOK {
			t.Fatalf("PUT = %d", code)
		}
		return up
	}
	stale, fresh, attached := upload(), upload(), upload()
	if resp := postJSON(t, alice, apiPath(task), attachments.FinalizeInput{Key: attached.Key, Filename: "a.pdf"}, nil); resp.StatusCode != http.StatusCreated {
		t.Fatalf("finalize = %d", resp.StatusCode)
	}
	if _, err := s.pool.Exec(t.Context(), `UPDATE uploads SET created_at = now() - interval '25 hours' WHERE key = $1`, stale.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(t.Context(), `DELETE FROM tasks WHERE id = $1`, task); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(s.pool, slog.New(slog.DiscardHandler), s.jobs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := q.Insert(t.Context(), attachments.CleanupArgs{}, &river.InsertOpts{Queue: s.jobs.Name}); err != nil {
			t.Fatal(err)
		}
		jobstest.Drain(t, s.pool, s.jobs)
	}
	for key, wantThere := range map[string]bool{stale.Key: false, attached.Key: false, fresh.Key: true} {
		_, err := s.store.Stat(t.Context(), key)
		if there := err == nil; there != wantThere {
			t.Errorf("%s in storage = %v, want %v", key, there, wantThere)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM attachments`); n != 0 {
		t.Errorf("attachments of the deleted task: %d rows left", n)
	}
	if n := count(t, s, `SELECT count(*) FROM uploads`); n != 1 {
		t.Errorf("upload rows = %d, want 1 (the fresh one)", n)
	}
}

// TestThumbnailOfABadImage: an image that does not decode gets no
// thumbnail, and its job is cancelled rather than retried.
func TestThumbnailOfABadImage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	alice, task := s.user(t)
	// A PNG signature (so it passes the type check) with garbage after it.
	bad := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 64)...)
	var up attachments.Uploaded
	postJSON(t, alice, "/api/v1/uploads", attachments.UploadInput{Filename: "b.png", ContentType: "image/png", Size: int64(len(bad))}, &up)
	put(t, up, bad, "image/png")
	if resp := postJSON(t, alice, apiPath(task), attachments.FinalizeInput{Key: up.Key, Filename: "b.png"}, nil); resp.StatusCode != http.StatusCreated {
		t.Fatalf("finalize = %d", resp.StatusCode)
	}
	jobstest.Drain(t, s.pool, s.jobs)
	if n := count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'attachments_thumbnail' AND state = 'cancelled'`); n != 1 {
		t.Errorf("cancelled thumbnail jobs = %d, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM attachments WHERE thumb_key IS NOT NULL`); n != 0 {
		t.Error("a thumbnail was recorded for a bad image")
	}
}
