package attachments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/web/layout"
)

var userSeq atomic.Int64

// stack is the attachments feature on a test database, the local storage
// driver served by the same test server, and a job worker.
type stack struct {
	srv   *httpxtest.Server
	pool  *pgxpool.Pool
	store *storage.Local
	jobs  jobs.Options
}

func newStack(t *testing.T) *stack {
	t.Helper()
	pool := pgtest.NewPool(t)
	prefix := &url.URL{} // filled in once the server has its address
	store, err := storage.NewLocal(t.TempDir(), []byte("a test secret of at least 32 bytes"), prefix)
	if err != nil {
		t.Fatal(err)
	}
	opts := jobstest.Options()
	q, err := jobs.New(pool, slog.New(slog.DiscardHandler), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := attachments.NewService(pool, store, q, ownsTask(pool), attachments.Config{
		MaxBytes: 1 << 20, ContentTypes: []string{"image/png", "image/jpeg", "image/webp", "application/pdf"},
	})
	work := &jobs.Work{Workers: river.NewWorkers()}
	if err := attachments.Jobs(work, svc); err != nil {
		t.Fatal(err)
	}
	jobstest.Start(t, pool, work, opts, nil)
	c := attachments.NewController(svc)
	h := httpxtest.New(t, httpxtest.Options{Pool: pool, Views: layout.ErrorViews()})
	srv := h.Serve(func(r chi.Router) {
		r.With(auth.RequireUser).Route("/tasks/{id}/attachments", c.Routes)
		r.With(auth.RequireUser).Route("/api/v1/tasks/{id}/attachments", c.APIRoutes)
		r.With(auth.RequireUser).Route("/api/v1/uploads", c.UploadRoutes)
		r.Route("/storage", store.Routes)
	})
	u, _ := url.Parse(srv.URL + "/storage")
	*prefix = *u
	return &stack{srv: srv, pool: pool, store: store, jobs: opts}
}

// ownsTask is the tasks feature's answer, as internal/app wires it.
func ownsTask(pool *pgxpool.Pool) attachments.TaskOwner {
	return func(ctx context.Context, userID, taskID int64) error {
		var one int
		err := pool.QueryRow(ctx, `SELECT 1 FROM tasks WHERE id = $1 AND user_id = $2`, taskID, userID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Task not found.")
		}
		return err
	}
}

// user creates a user with a task and returns a client signed in as it and the task's id.
func (s *stack) user(t *testing.T) (*httpxtest.Client, int64) {
	t.Helper()
	var uid, tid int64
	email := fmt.Sprintf("att%d@example.com", userSeq.Add(1))
	if err := s.pool.QueryRow(t.Context(), `INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`, email).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	if err := s.pool.QueryRow(t.Context(), `INSERT INTO tasks (user_id, title) VALUES ($1, 'with files') RETURNING id`, uid).Scan(&tid); err != nil {
		t.Fatal(err)
	}
	return s.srv.Client(&auth.Identity{UserID: uid, Email: email, Role: auth.RoleUser}), tid
}

// postJSON sends v as JSON and decodes the answer into out (if not nil).
func postJSON(t *testing.T, c *httpxtest.Client, path string, v, out any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(v)
	resp, body := c.Do(http.MethodPost, path, bytes.NewReader(b), "Content-Type", "application/json")
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal([]byte(body), out); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, body)
		}
	}
	return resp
}

// put sends data as the upload says.
func put(t *testing.T, up attachments.Uploaded, data []byte, contentType string) int {
	t.Helper()
	req, _ := http.NewRequest(up.Method, up.URL, bytes.NewReader(data))
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 600, 300))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func apiPath(taskID int64) string { return fmt.Sprintf("/api/v1/tasks/%d/attachments", taskID) }
