package httpx_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// fuzzInput has a field of every shape a JSON input commonly has, so the
// fuzzer reaches type errors, validation and nested decoding.
type fuzzInput struct {
	Title  string            `json:"title" validate:"required,max=50"`
	Email  string            `json:"email" validate:"omitempty,email"`
	Count  int               `json:"count" validate:"gte=0"`
	Score  float64           `json:"score"`
	Done   bool              `json:"done"`
	Limit  *int64            `json:"limit"`
	Tags   []string          `json:"tags" validate:"max=10"`
	Meta   map[string]string `json:"meta"`
	Due    time.Time         `json:"due"`
	Nested struct {
		Name string `json:"name"`
	} `json:"nested"`
}

// FuzzDecodeJSON checks security-checklist T27: no input makes DecodeJSON
// panic or produce a 5xx, and every rejection is problem+json.
func FuzzDecodeJSON(f *testing.F) {
	seeds := []string{
		`{"title":"Milk"}`,
		`{"title":"Milk","email":"a@example.com","count":1,"score":1.5,"done":true,"limit":3,"tags":["a"],"meta":{"k":"v"},"due":"2026-01-02T00:00:00Z","nested":{"name":"n"}}`,
		`{"title":`,
		`{"title":5}`,
		`{"title":"x","count":"1"}`,
		`{"title":"Milk","role":"admin"}`,
		`{} {}`,
		`{}x`,
		``,
		` `,
		`null`,
		`[]`,
		`[{"title":"a"}]`,
		`"string"`,
		`{"title":"a","score":1e400}`,
		`{"title":"a","count":1e400}`,
		`{"title":"a","count":-1}`,
		`{"title":"a","due":"yesterday"}`,
		`{"title":"a","title":"b"}`, // duplicate keys: 400
		`{"title":"","title":"b"}`,
		"{\"title\":\"\xff\xfe\"}",
		"{\xff}",
		"\xef\xbb\xbf{\"title\":\"bom\"}",
		`{"title":"\ud800"}`,
		`{"title":"a","nested":{"name":{"x":1}}}`,
		`{"title":"a","email":"not-an-email"}`,
		strings.Repeat(`{"a":`, 10_000) + "1" + strings.Repeat("}", 10_000),
		`{"tags":` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + "}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	seedJSONFromCorpus(f)

	h := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in fuzzInput
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		if !storable(append([]string{in.Title, in.Email, in.Nested.Name}, in.Tags...)) || !storableMap(in.Meta) {
			return errors.New("accepted text PostgreSQL cannot store") // 500: fails the target
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})

	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/tasks", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req) // a panic fails the fuzz target

		switch rec.Code {
		case http.StatusNoContent:
			return
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("body %q: status = %d, want 204, 400, 413 or 422; response: %s", body, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("body %q: Content-Type = %q, want application/problem+json", body, ct)
		}
		var p struct {
			Type   string `json:"type"`
			Title  string `json:"title"`
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("body %q: problem %q is not JSON: %v", body, rec.Body.String(), err)
		}
		if p.Status != rec.Code || p.Type == "" || p.Title == "" || p.Detail == "" {
			t.Fatalf("body %q: problem = %+v, want type, title, detail and status %d", body, p, rec.Code)
		}
		for _, leak := range []string{"goroutine", ".go:", "panic", "json: "} {
			if strings.Contains(p.Detail, leak) {
				t.Fatalf("body %q: detail %q leaks internals (%q)", body, p.Detail, leak)
			}
		}
	})
}

// storable reports whether every string can be stored as PostgreSQL text.
func storable(ss []string) bool {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func storableMap(m map[string]string) bool {
	for k, v := range m {
		if !storable([]string{k, v}) {
			return false
		}
	}
	return true
}

// seedJSONFromCorpus adds the sweep's corpus (httpxtest): whole bodies, and
// each value in a field.
func seedJSONFromCorpus(f *testing.F) {
	for _, s := range httpxtest.JSONBodies() {
		f.Add([]byte(s))
	}
	for _, v := range httpxtest.Values() {
		if len(v.Text) <= 4096 { // long values are the sweep's; the fuzzer mutates short ones faster
			b, _ := json.Marshal(map[string]any{"title": v.Text, "tags": []string{v.Text}, "meta": map[string]string{v.Text: v.Text}})
			f.Add(b)
		}
	}
	for _, raw := range httpxtest.JSONValues() {
		f.Add([]byte(`{"title":"a","count":` + raw + `,"nested":` + raw + `}`))
	}
}
