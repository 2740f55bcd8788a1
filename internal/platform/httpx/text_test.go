package httpx_test

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// textInput has text in every place a JSON body can put it.
type textInput struct {
	Title  string            `json:"title" form:"title"`
	Note   *string           `json:"note" form:"note"`
	Tags   []string          `json:"tags" form:"tags"`
	Meta   map[string]string `json:"meta"`
	Any    any               `json:"any"`
	Nested struct {
		Name string `json:"name"`
	} `json:"nested"`
	Raw []byte `json:"raw"` // base64: bytes, not text
}

// TestDecodeJSONRefusesUnstorableText: a string PostgreSQL cannot store
// is 422 naming the field, wherever it sits in the body. Invalid UTF-8 is
// not: encoding/json has already replaced it with U+FFFD.
func TestDecodeJSONRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       map[string]string // nil: accepted
	}{
		{"clean", `{"title":"Milk 🥛 é","tags":["a"],"meta":{"k":"v"},"raw":"AAE="}`, nil},
		{"NUL in a field", `{"title":"a\u0000b"}`, map[string]string{"title": "Title must not contain a NUL character (\\0)."}},
		{"NUL in a pointer", `{"note":"\u0000"}`, map[string]string{"note": "Note must not contain a NUL character (\\0)."}},
		{"NUL in a list", `{"tags":["ok","\u0000"]}`, map[string]string{"tags": "Tags must not contain a NUL character (\\0)."}},
		{"NUL in a map key", `{"meta":{"k\u0000":"v"}}`, map[string]string{"meta": "Meta must not contain a NUL character (\\0)."}},
		{"NUL in a map value", `{"meta":{"k":"\u0000"}}`, map[string]string{"meta": "Meta must not contain a NUL character (\\0)."}},
		{"NUL deep in any", `{"any":{"a":[{"b":"\u0000"}]}}`, map[string]string{"any": "Any must not contain a NUL character (\\0)."}},
		{"NUL in a nested field", `{"nested":{"name":"\u0000"}}`, map[string]string{"nested.name": "Nested.name must not contain a NUL character (\\0)."}},
		{"two fields", `{"title":"\u0000","note":"\u0000"}`, map[string]string{
			"title": "Title must not contain a NUL character (\\0).", "note": "Note must not contain a NUL character (\\0)."}},
		{"NUL bytes in base64 are fine", `{"raw":"AAAA"}`, nil},
		{"invalid UTF-8 is replaced, not refused", "{\"title\":\"a\xffb\"}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var in textInput
			err := httpx.DecodeJSON(httptest.NewRecorder(), newJSONRequest(strings.NewReader(tt.body), "application/json"), &in)
			checkTextErr(t, err, tt.want)
		})
	}
}

// TestDecodeFormRefusesUnstorableText: every posted value is checked, also
// of fields the input does not declare (a handler may read r.PostForm).
func TestDecodeFormRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		values    url.Values
		multipart bool
		want      map[string]string
	}{
		{"clean", url.Values{"title": {"Milk 🥛 'x' <b>"}, "tags": {"a", ""}}, false, nil},
		{"NUL", url.Values{"title": {"x\x00y"}}, false, map[string]string{"title": "Title must not contain a NUL character (\\0)."}},
		{"NUL in multipart", url.Values{"title": {"x\x00y"}}, true, map[string]string{"title": "Title must not contain a NUL character (\\0)."}},
		{"invalid UTF-8", url.Values{"note": {"\xc3\x28"}}, false, map[string]string{"note": "Note must be valid UTF-8 text."}},
		{"second value of a list", url.Values{"tags": {"a", "\xff"}}, false, map[string]string{"tags": "Tags must be valid UTF-8 text."}},
		{"undeclared field", url.Values{"version": {"1\x00"}}, false, map[string]string{"version": "Version must not contain a NUL character (\\0)."}},
		{"field name", url.Values{"ti\x00tle": {"x"}}, false, map[string]string{"ti\uFFFDtle": "The field name must not contain a NUL character (\\0)."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var req *http.Request
			if tt.multipart {
				body, ct := multipartBody(t, tt.values)
				req = httptest.NewRequest(http.MethodPost, "/tasks", body)
				req.Header.Set("Content-Type", ct)
			} else {
				req = httptest.NewRequest(http.MethodPost, "/tasks", strings.NewReader(tt.values.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			var in textInput
			checkTextErr(t, httpx.DecodeForm(httptest.NewRecorder(), req, &in), tt.want)
		})
	}
}

// TestTextRuleReachesEmbeddedAndFiles: fields promoted from an embedded
// struct (as encoding/json sees them) and the names of uploaded files.
func TestTextRuleReachesEmbeddedAndFiles(t *testing.T) {
	t.Parallel()
	type meta struct {
		Label string `json:"label"`
	}
	var in struct {
		meta
		Title string `json:"title"`
	}
	err := httpx.DecodeJSON(httptest.NewRecorder(), newJSONRequest(strings.NewReader(`{"title":"ok","label":"\u0000"}`), "application/json"), &in)
	checkTextErr(t, err, map[string]string{"label": "Label must not contain a NUL character (\\0)."})

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("title", "ok")
	fw, _ := mw.CreateFormFile("upload", "caf\xc3.txt")
	_, _ = fw.Write([]byte("content"))
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/tasks", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var form textInput
	err = httpx.DecodeForm(httptest.NewRecorder(), req, &form)
	checkTextErr(t, err, map[string]string{"upload": "The file name of Upload must be valid UTF-8 text."})
}

func checkTextErr(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if k := apperr.KindOf(err); k != apperr.Invalid {
		t.Fatalf("kind = %v (%v), want invalid", k, err)
	}
	if diff := cmp.Diff(want, apperr.FieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// TestHandlerRefusesUnstorableQueryAndPath: the adapter answers 400 naming
// the parameter, and the handler never runs.
func TestHandlerRefusesUnstorableQueryAndPath(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	calls := 0
	r.Get("/api/tasks/{id}", httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		calls++
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	tests := []struct {
		target     string
		wantStatus int
		wantDetail string
	}{
		{"/api/tasks/7?q=caf%C3%A9&q=%F0%9F%91%8D", 204, ""},
		{"/api/tasks/7?q=a%00b", 400, `The query parameter "q" must not contain a NUL character (\0).`},
		{"/api/tasks/7?q=ok&status=%FF", 400, `The query parameter "status" must be valid UTF-8 text.`},
		{"/api/tasks/7?%00=x", 400, "The query parameter \"\ufffd\": its name must not contain a NUL character (\\0)."},
		{"/api/tasks/a%00b", 400, `The path parameter "id" must not contain a NUL character (\0).`},
		{"/api/tasks/%C3%28", 400, `The path parameter "id" must be valid UTF-8 text.`},
		{"/api/tasks/7?q=100%", 204, ""}, // unparsable pairs stay the handler's business, as before
	}
	for _, tt := range tests {
		before := calls
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
		resp := rec.Result()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("GET %s = %d, want %d: %s", tt.target, resp.StatusCode, tt.wantStatus, rec.Body)
			continue
		}
		if tt.wantStatus == 204 {
			if calls != before+1 {
				t.Errorf("GET %s: handler not called", tt.target)
			}
			continue
		}
		if calls != before {
			t.Errorf("GET %s: handler ran although the input was refused", tt.target)
		}
		if p := mustProblem(t, resp, rec.Body.String()); p.Detail != tt.wantDetail {
			t.Errorf("GET %s: detail = %q, want %q", tt.target, p.Detail, tt.wantDetail)
		}
	}
}

// TestErrorLogsBugAsError: a 4xx marked Bug (input the database refused)
// is answered with its status and message, and logged at error level.
func TestErrorLogsBugAsError(t *testing.T) {
	t.Parallel()
	err := &apperr.Error{Kind: apperr.Invalid, Message: "Some of the input cannot be stored.", Bug: true, Err: errors.New("SQLSTATE 22021")}
	for _, rd := range renderings {
		t.Run(rd.name, func(t *testing.T) {
			t.Parallel()
			resp, body, logs := serveError(t, rd, err)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "cannot be stored") {
				t.Errorf("status %d, body %s; want 422 with the message", resp.StatusCode, body)
			}
			lines := logs.WithLevel(t, "ERROR")
			if len(lines) != 1 || !strings.Contains(lines[0]["msg"].(string), "bug") || !strings.Contains(lines[0]["err"].(string), "22021") {
				t.Errorf("error log lines = %v, want one bug line with the cause", lines)
			}
		})
	}
}

// TestHeaderText: a recorded header is made storable, never refused.
func TestHeaderText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", 512, "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"},
		{"bad \xff\xfe bytes", 512, "bad \uFFFD bytes"},
		{"tab\tand\x7f", 512, "tab\uFFFDand\uFFFD"},
		{strings.Repeat("é", 10), 7, strings.Repeat("é", 3)}, // cut on a character boundary
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("User-Agent", tt.in)
		if got := httpx.HeaderText(req, "User-Agent", tt.max); got != tt.want {
			t.Errorf("HeaderText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
