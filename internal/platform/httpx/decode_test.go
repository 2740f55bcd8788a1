package httpx_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// taskInput is a typical JSON input: tagged for validation, with no Role
// field, so a mass-assignment attempt is an unknown field.
type taskInput struct {
	Title string   `json:"title" validate:"required,max=5"`
	Score float64  `json:"score"`
	Tags  []string `json:"tags"`
}

// streamed hides the length of r, so httptest.NewRequest sends it with
// ContentLength -1, like a chunked body.
type streamed struct{ r io.Reader }

func (s streamed) Read(p []byte) (int, error) { return s.r.Read(p) }

func newJSONRequest(body io.Reader, contentType string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/api/tasks", body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	bigTitle := `{"title":"` + strings.Repeat("a", httpx.MaxBodyBytes) + `"}`
	deep := strings.Repeat(`{"a":`, 10_000) + "1" + strings.Repeat("}", 10_000)
	deepArray := `{"tags":` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + "}"
	tooDeep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)

	tests := []struct {
		name        string
		body        io.Reader
		contentType string
		wantKind    apperr.Kind // checked when wantErr
		wantErr     bool
		want        taskInput         // when !wantErr
		wantMsg     string            // substring of SafeMessage, when wantErr
		wantFields  map[string]string // for Invalid
	}{
		{name: "valid", body: strings.NewReader(`{"title":"Milk","score":1.5,"tags":["a","b"]}`), contentType: "application/json",
			want: taskInput{Title: "Milk", Score: 1.5, Tags: []string{"a", "b"}}},
		{name: "charset parameter", body: strings.NewReader(`{"title":"Milk"}`), contentType: "application/json; charset=utf-8",
			want: taskInput{Title: "Milk"}},
		{name: "+json suffix", body: strings.NewReader(`{"title":"Milk"}`), contentType: "application/merge-patch+json",
			want: taskInput{Title: "Milk"}},
		{name: "upper-case media type", body: strings.NewReader(`{"title":"Milk"}`), contentType: "Application/JSON",
			want: taskInput{Title: "Milk"}},
		{name: "whitespace after the object", body: strings.NewReader("{\"title\":\"Milk\"}\n\t "), contentType: "application/json",
			want: taskInput{Title: "Milk"}},

		{name: "text/plain", body: strings.NewReader(`{"title":"Milk"}`), contentType: "text/plain", wantErr: true, wantKind: apperr.UnsupportedMedia, wantMsg: "must be JSON"},
		{name: "no content type", body: strings.NewReader(`{"title":"Milk"}`), contentType: "", wantErr: true, wantKind: apperr.UnsupportedMedia, wantMsg: "must be JSON"},
		{name: "form content type", body: strings.NewReader(`{"title":"Milk"}`), contentType: "application/x-www-form-urlencoded", wantErr: true, wantKind: apperr.UnsupportedMedia},
		{name: "text/json+json is not application", body: strings.NewReader(`{"title":"Milk"}`), contentType: "text/x+json", wantErr: true, wantKind: apperr.UnsupportedMedia},
		{name: "garbage content type", body: strings.NewReader(`{"title":"Milk"}`), contentType: ";;;", wantErr: true, wantKind: apperr.UnsupportedMedia},

		{name: "over the limit", body: strings.NewReader(bigTitle), contentType: "application/json", wantErr: true, wantKind: apperr.TooLarge, wantMsg: "must not be larger than 1048576 bytes"},
		{name: "over the limit, streamed", body: streamed{strings.NewReader(bigTitle)}, contentType: "application/json", wantErr: true, wantKind: apperr.TooLarge},
		{name: "over the limit in trailing whitespace", body: streamed{io.MultiReader(strings.NewReader(`{"title":"Milk"}`), strings.NewReader(strings.Repeat(" ", httpx.MaxBodyBytes)))}, contentType: "application/json", wantErr: true, wantKind: apperr.TooLarge},

		{name: "malformed", body: strings.NewReader(`{"title":`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "not valid JSON"},
		{name: "syntax error", body: strings.NewReader(`{"title" "x"}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "not valid JSON"},
		{name: "wrong type", body: strings.NewReader(`{"title":5}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: `Field "title" must be of type string.`},
		{name: "wrong element type", body: strings.NewReader(`{"title":"a","tags":[1]}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "must be of type string"},
		{name: "unknown field (mass assignment)", body: strings.NewReader(`{"title":"Milk","role":"admin"}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: `unknown field "role"`},
		{name: "trailing object", body: strings.NewReader(`{} {}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "single JSON value"},
		{name: "trailing garbage", body: strings.NewReader(`{}x`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "single JSON value"},
		{name: "empty body", body: strings.NewReader(``), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "must not be empty"},
		{name: "whitespace body", body: strings.NewReader(" \n"), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "must not be empty"},
		{name: "10,000-deep object", body: strings.NewReader(deep), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed},
		{name: "10,000-deep array", body: strings.NewReader(deepArray), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed},
		{name: "100,000-deep array", body: strings.NewReader(tooDeep), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "not valid JSON"},
		{name: "1e400 into float64", body: strings.NewReader(`{"title":"a","score":1e400}`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: `"score" must be of type number`},
		{name: "array instead of object", body: strings.NewReader(`[{"title":"a"}]`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "must be a JSON object"},
		{name: "string instead of object", body: strings.NewReader(`"title"`), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed, wantMsg: "must be a JSON object"},
		{name: "invalid UTF-8 outside strings", body: bytes.NewReader([]byte{'{', 0xff, '}'}), contentType: "application/json", wantErr: true, wantKind: apperr.Malformed},

		// Decoders only decode: the rules (validate tags) are the service's.
		{name: "rules are not checked: missing", body: strings.NewReader(`{}`), contentType: "application/json", want: taskInput{}},
		{name: "rules are not checked: too long", body: strings.NewReader(`{"title":"abcdef"}`), contentType: "application/json", want: taskInput{Title: "abcdef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			req := newJSONRequest(tt.body, tt.contentType)
			var got taskInput
			err := httpx.DecodeJSON(rec, req, &got)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("DecodeJSON() = %v, want nil", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("decoded mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeJSON() = nil (decoded %+v), want %v error", got, tt.wantKind)
			}
			if k := apperr.KindOf(err); k != tt.wantKind {
				t.Errorf("KindOf(DecodeJSON()) = %v (%d), want %v (%d); err: %v", k, k.Status(), tt.wantKind, tt.wantKind.Status(), err)
			}
			msg := apperr.SafeMessage(err)
			if msg == apperr.GenericMessage(tt.wantKind) || msg == "" {
				t.Errorf("SafeMessage = %q, want a specific readable message", msg)
			}
			if tt.wantMsg != "" && !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("SafeMessage = %q, want it to contain %q", msg, tt.wantMsg)
			}
			if len(msg) > 200 {
				t.Errorf("SafeMessage is %d bytes, want a short message that does not echo the input", len(msg))
			}
			if tt.wantKind == apperr.Invalid {
				if diff := cmp.Diff(tt.wantFields, apperr.FieldsOf(err)); diff != "" {
					t.Errorf("FieldsOf mismatch (-want +got):\n%s", diff)
				}
			} else if f := apperr.FieldsOf(err); f != nil {
				t.Errorf("FieldsOf = %v, want nil for %v", f, tt.wantKind)
			}
		})
	}
}

func TestDecodeJSONErrorResponse(t *testing.T) {
	t.Parallel()
	// The whole path a handler takes: DecodeJSON's error through Error.
	h := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in taskInput
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, newJSONRequest(strings.NewReader(`{"title":5}`), "application/json"))
	resp := rec.Result()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status = %d, want %d", resp.StatusCode, http.StatusBadRequest)
	}
	p := mustProblem(t, resp, rec.Body.String())
	if p.Detail != `Field "title" must be of type string.` || p.Errors != nil {
		t.Errorf("problem = %+v, want the field named and no field errors", p)
	}
}

// day decodes itself from JSON, like a date type would.
type day struct{ n int }

func (d *day) UnmarshalJSON(b []byte) error {
	if string(b) != `"monday"` {
		return &json.UnmarshalTypeError{Value: "string", Type: reflect.TypeFor[day]()}
	}
	d.n = 1
	return nil
}

func TestDecodeJSONFormatErrorNamesTheField(t *testing.T) {
	var in struct {
		Start day `json:"start"`
	}
	req := httptest.NewRequest(http.MethodPost, "/api/x", strings.NewReader(`{"start":"someday"}`))
	req.Header.Set("Content-Type", "application/json")
	err := httpx.DecodeJSON(httptest.NewRecorder(), req, &in)
	if apperr.KindOf(err) != apperr.Malformed || apperr.SafeMessage(err) != `Field "start" is not in the expected format.` {
		t.Errorf("DecodeJSON(bad start) = %v (%q), want 400 naming the field", err, apperr.SafeMessage(err))
	}
}

func TestDecodeJSONDuplicateKeys(t *testing.T) {
	type inner struct {
		A string `json:"a"`
		B string `json:"b"`
	}
	var in struct {
		Title string  `json:"title"`
		Inner inner   `json:"inner"`
		List  []inner `json:"list"`
	}
	for body, want := range map[string]string{
		`{"title":"a","title":"b"}`:                                     "title",
		`{"inner":{"a":"1","a":"2"}}`:                                   "a",
		`{"list":[{"a":"1"},{"a":"2","b":"x","b":"y"}]}`:                "b",
		`{"inner":{"a":"1"},"title":"t","inner":{"a":"2"}}`:             "inner",
		`{"title":"x","inner":{"a":"1","b":"2"},"list":[{"a":"1"},{}]}`: "",
		`{"list":[{"a":"1"},{"a":"1"}],"inner":{"a":"1"}}`:              "",
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/x", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		err := httpx.DecodeJSON(httptest.NewRecorder(), req, &in)
		if want == "" {
			if err != nil {
				t.Errorf("DecodeJSON(%s) = %v, want nil (no key repeats within one object)", body, err)
			}
			continue
		}
		if apperr.KindOf(err) != apperr.Malformed || !strings.Contains(apperr.SafeMessage(err), `"`+want+`"`) {
			t.Errorf("DecodeJSON(%s) = %v, want 400 naming %q", body, err, want)
		}
	}
}
