// Command baseline serves the reference points `make bench` measures the
// app against, with nothing of the app's stack around them:
//
//	-mode nethttp   GET /json: a fixed JSON body from bare net/http
//	-mode chi       GET /json: the same body from a bare chi router
//	-mode page      GET /: the home page's templ markup from bare chi, no database
//	-mode fortunes  GET /tasks: net/http + pgxpool + html/template, 25 task rows
//	                of -user from DATABASE_URL, one query per view
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// jsonBody is what the app's /health answers, byte for byte in size.
var jsonBody = []byte(`{"status":"ok"}` + "\n")

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run() error {
	mode := flag.String("mode", "nethttp", "nethttp, chi, page or fortunes")
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	user := flag.Int64("user", 0, "fortunes: whose tasks to list")
	flag.Parse()

	var h http.Handler
	switch *mode {
	case "nethttp":
		mux := http.NewServeMux()
		mux.HandleFunc("GET /json", serveJSON)
		h = mux
	case "chi":
		r := chi.NewRouter()
		r.Get("/json", serveJSON)
		h = r
	case "page":
		r := chi.NewRouter()
		r.Get("/", servePage)
		h = r
	case "fortunes":
		pool, err := pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
		if err != nil {
			return err
		}
		defer pool.Close()
		h = fortunes{pool: pool, user: *user}
	default:
		return fmt.Errorf("unknown -mode %q", *mode)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func serveJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(jsonBody)
}

// servePage renders the app's home page component with fixed facts, so
// the markup is the app's and only the stack and the data source differ.
func servePage(w http.ResponseWriter, r *http.Request) {
	info := home.SystemInfo{Environment: "production", Version: "bench", DatabaseVersion: "15.0", SchemaVersion: 5}
	ctx := layout.WithRequest(r.Context(), r.URL.Path, "")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := home.IndexPage(info).Render(ctx, w); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

type fortunes struct {
	pool *pgxpool.Pool
	user int64
}

type row struct {
	ID      int64
	Title   string
	Status  string
	Due     *time.Time
	Updated time.Time
}

var page = template.Must(template.New("tasks").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tasks</title></head><body>
<table><thead><tr><th>Title</th><th>Status</th><th>Due</th><th>Updated</th></tr></thead><tbody>
{{range .}}<tr id="task-{{.ID}}"><td><a href="/tasks/{{.ID}}">{{.Title}}</a></td><td>{{.Status}}</td><td>{{if .Due}}{{.Due.Format "2006-01-02"}}{{end}}</td><td>{{.Updated.Format "2006-01-02 15:04"}}</td></tr>
{{end}}</tbody></table></body></html>`))

func (f fortunes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rows, err := f.pool.Query(r.Context(), `
SELECT id, title, status, due_date, updated_at FROM tasks
WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 25`, f.user)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	var list []row
	for rows.Next() {
		var t row
		if err := rows.Scan(&t.ID, &t.Title, &t.Status, &t.Due, &t.Updated); err != nil {
			rows.Close()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, list); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
