package route

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestPattern covers each way chi's own RoutePattern falls short.
func TestPattern(t *testing.T) {
	var got string
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			got = Pattern(r, rec.Code)
			w.WriteHeader(rec.Code)
		})
	}
	refuse := func(status int) func(http.Handler) http.Handler {
		return func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) })
		}
	}
	ok := func(http.ResponseWriter, *http.Request) {}
	r := chi.NewRouter()
	r.Use(record)
	r.Get("/", ok)
	r.Get("/static/*", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	r.Group(func(r chi.Router) {
		r.Use(refuse(http.StatusSeeOther)) // like account.RequireUser on a signed-out request
		r.Route("/tasks", func(r chi.Router) {
			r.Get("/", ok)
			r.Get("/{id}", ok)
		})
	})
	r.Route("/api", func(r chi.Router) {
		r.Get("/items/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	})

	for _, tt := range []struct{ method, target, want string }{
		{"GET", "/", "/"},
		{"GET", "/tasks/42", "/tasks/{id}"}, // refused at the mount
		{"GET", "/tasks", "/tasks"},
		{"GET", "/tasks/42/nope", ""},              // refused at the mount, and no such route
		{"GET", "/api/items/7", "/api/items/{id}"}, // the handler's own 404
		{"GET", "/api/nope/7", ""},                 // fell through the mount
		{"GET", "/static/missing.css", "/static/*"},
		{"POST", "/", ""}, // 405
		{"GET", "/nope", ""},
	} {
		got = "unset"
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.target, nil))
		if got != tt.want {
			t.Errorf("%s %s: Pattern = %q, want %q", tt.method, tt.target, got, tt.want)
		}
	}
	if p := Pattern(httptest.NewRequest("GET", "/", nil), 200); p != "" {
		t.Errorf("Pattern outside chi = %q, want empty", p)
	}
}
