package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// fuzzForm has a form field of every type the binder supports, with
// validation, so the fuzzer reaches conversion, the text rule and rules.
type fuzzForm struct {
	Title    string    `form:"title" validate:"required,max=50"`
	Email    string    `form:"email" validate:"omitempty,email"`
	Count    int       `form:"count" validate:"gte=0"`
	Small    int8      `form:"small"`
	Unsigned uint      `form:"unsigned"`
	Score    float64   `form:"score"`
	Done     bool      `form:"done"`
	Limit    *int64    `form:"limit"`
	Due      time.Time `form:"due"`
	Tags     []string  `form:"tags" validate:"max=10"`
}

// FuzzDecodeForm checks the form binder with validation the way
// FuzzDecodeJSON checks the JSON decoder: no body panics or yields a 5xx,
// every refusal is a problem with a status the contract allows, and a
// body that is accepted holds only text PostgreSQL can store. Seeded from
// the sweep's corpus (httpxtest).
func FuzzDecodeForm(f *testing.F) {
	for _, body := range httpxtest.FormBodies() {
		f.Add([]byte(body))
	}
	for _, v := range httpxtest.Values() {
		if len(v.Text) > 4096 {
			continue // long values are the sweep's; the fuzzer mutates short ones faster
		}
		for _, field := range []string{"title", "count", "due", "tags", "limit", "done", "email"} {
			f.Add([]byte(url.Values{"title": {"ok"}, field: {v.Text}}.Encode()))
		}
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		var in fuzzForm
		h := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
			if err := httpx.DecodeForm(w, r, &in); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
		req := httptest.NewRequest(http.MethodPost, "/api/tasks", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req) // a panic fails the fuzz target

		switch rec.Code {
		case http.StatusNoContent:
			if !storable(append([]string{in.Title, in.Email}, in.Tags...)) {
				t.Fatalf("body %q: accepted text PostgreSQL cannot store: %+v", body, in)
			}
			return
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("body %q: status = %d, want 204, 400, 413 or 422; response: %s", body, rec.Code, rec.Body.String())
		}
		var p httpx.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("body %q: problem %q is not JSON: %v", body, rec.Body.String(), err)
		}
		if p.Status != rec.Code || p.Detail == "" || (rec.Code == 422 && len(p.Errors) == 0) {
			t.Fatalf("body %q: problem = %+v, want status %d, a detail, and field errors for 422", body, p, rec.Code)
		}
	})
}
