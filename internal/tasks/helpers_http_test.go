package tasks_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/tasks"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// The controller tests (controller*_test.go) run the pages and the JSON
// API behind the real middleware chain (httpxtest), on a test database,
// with users created in SQL and signed in by identity.

// apiTasksPath is where the tests mount the JSON API, as internal/app does.
const apiTasksPath = "/api/v1/tasks"

// testServer is the feature's pages, its JSON API and the OpenAPI document
// (the shared frame and this feature's part, assembled as internal/app
// does) on a fresh database.
type testServer struct {
	pool *pgxpool.Pool
	srv  *httpxtest.Server
	spec *openapitest.Spec
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	pool := pgtest.NewPool(t)
	h := httpxtest.New(t, httpxtest.Options{Pool: pool, Views: layout.ErrorViews()})
	c := tasks.NewController(tasks.NewService(pool, time.Now), h.Flash, sse.NewBroker(sse.Options{}))
	doc := openAPIDocument(t)
	srv := h.Serve(func(r chi.Router) {
		r.With(auth.RequireUser).Route(tasks.TasksURL(), c.Routes)
		r.Get(openapitest.DocumentPath, openapi.Handler(doc))
		r.With(auth.RequireUser).Route(apiTasksPath, c.APIRoutes)
	})
	return &testServer{pool: pool, srv: srv, spec: openapitest.Fetch(t, srv.Config.Handler)}
}

// openAPIDocument assembles the document as internal/app does, from the
// shared frame and this feature's part.
func openAPIDocument(t *testing.T) []byte {
	t.Helper()
	doc, err := openapi.Assemble(openapi.Base(), tasks.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// user creates a user and returns a client signed in as them.
func (s *testServer) user(t *testing.T) *httpxtest.Client {
	t.Helper()
	return s.signIn(t, auth.RoleUser)
}

// admin creates an administrator and returns a client signed in as them.
func (s *testServer) admin(t *testing.T) *httpxtest.Client {
	t.Helper()
	return s.signIn(t, auth.RoleAdmin)
}

func (s *testServer) signIn(t *testing.T, role auth.Role) *httpxtest.Client {
	t.Helper()
	id := mustCreateUser(t, s.pool)
	var email string
	err := s.pool.QueryRow(context.Background(), `UPDATE users SET role = $2 WHERE id = $1 RETURNING email`, id, role).Scan(&email)
	if err != nil {
		t.Fatalf("make user %d %s: %v", id, role, err)
	}
	return s.srv.Client(&auth.Identity{UserID: id, Email: email, Role: role})
}

// asHTMX is the header htmx sends with every request.
var asHTMX = []string{"HX-Request", "true"}

// mustAddTask creates a task through the htmx create form and returns its id.
func mustAddTask(t *testing.T, c *httpxtest.Client, form url.Values) int64 {
	t.Helper()
	resp, body := c.Post(tasks.TasksURL(), form, asHTMX...)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s %v = %d, want 200:\n%s", tasks.TasksURL(), form, resp.StatusCode, body)
	}
	id, err := strconv.ParseInt(httpxtest.Doc(t, body).Find(`[data-testid="task-row"]`).AttrOr("data-task-id", ""), 10, 64)
	if err != nil {
		t.Fatalf("POST %s answered no row with data-task-id:\n%s", tasks.TasksURL(), body)
	}
	return id
}

// rowTitles lists the titles of the task rows in doc, in order.
func rowTitles(doc *goquery.Document) []string {
	return doc.Find(`[data-testid="task-row"] .task-row__title`).Map(func(_ int, s *goquery.Selection) string {
		return strings.TrimSpace(s.Text())
	})
}

// isFragment reports whether body is a fragment rather than a whole page.
func isFragment(body string) bool {
	return !strings.Contains(strings.ToLower(body), "<html")
}

func variesByHTMX(resp *http.Response) bool {
	return slices.Contains(resp.Header.Values("Vary"), "HX-Request")
}

// day is the date offset days from today, as a form sends it.
func day(offset int) string {
	return time.Now().AddDate(0, 0, offset).Format("2006-01-02")
}
