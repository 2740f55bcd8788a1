package httpx_test

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// formInput exercises every supported form field type.
type formInput struct {
	Name   string    `form:"name"`
	Done   bool      `form:"done"`
	Count  int       `form:"count"`
	Limit  *int64    `form:"limit"`
	Due    time.Time `form:"due"`
	Tags   []string  `form:"tags"`
	Weight float64   `form:"weight"`
	Role   string    // no form tag: a form can never set it
}

func multipartBody(t *testing.T, values url.Values) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range values {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatalf("write field: %v", err)
			}
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("close multipart: %v", err)
	}
	return &buf, mw.FormDataContentType()
}

func int64p(n int64) *int64 { return &n }

func TestDecodeForm(t *testing.T) {
	t.Parallel()
	full := url.Values{
		"name":   {"Milk & eggs"},
		"done":   {"on"},
		"count":  {"42"},
		"limit":  {"7"},
		"due":    {"2026-01-02"},
		"tags":   {"a", "b"},
		"weight": {"1.5"},
	}
	fullWant := formInput{
		Name: "Milk & eggs", Done: true, Count: 42, Limit: int64p(7),
		Due: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Tags: []string{"a", "b"}, Weight: 1.5,
	}
	extra := url.Values{"name": {"x"}, "role": {"admin"}, "Role": {"admin"}, "is_admin": {"true"}}
	big := url.Values{"name": {strings.Repeat("a", httpx.MaxBodyBytes)}}

	tests := []struct {
		name       string
		values     url.Values
		multipart  bool
		ct         string // overrides the content type when set
		streamed   bool
		want       formInput
		wantKind   apperr.Kind
		wantErr    bool
		wantFields map[string]string
	}{
		{name: "urlencoded", values: full, want: fullWant},
		{name: "multipart", values: full, multipart: true, want: fullWant},
		{name: "unchecked checkbox and empty pointer", values: url.Values{"name": {"x"}, "limit": {""}, "count": {""}, "due": {""}},
			want: formInput{Name: "x"}},
		{name: "checkbox true", values: url.Values{"done": {"true"}}, want: formInput{Done: true}},
		{name: "checkbox off", values: url.Values{"done": {"off"}}, want: formInput{}},
		{name: "undeclared fields ignored", values: extra, want: formInput{Name: "x"}},

		{name: "bad int", values: url.Values{"name": {"x"}, "count": {"abc"}}, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"count": "Count must be a whole number."}},
		{name: "bad pointer int", values: url.Values{"limit": {"1.5"}}, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"limit": "Limit must be a whole number."}},
		{name: "int overflow", values: url.Values{"count": {"99999999999999999999"}}, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"count": "Count must be a whole number."}},
		{name: "bad date", values: url.Values{"due": {"02/01/2026"}}, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"due": "Due must be a date (YYYY-MM-DD)."}},
		{name: "bad bool", values: url.Values{"done": {"maybe"}}, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"done": "Done must be true or false."}},
		{name: "bad int in multipart", values: url.Values{"count": {"x"}}, multipart: true, wantErr: true, wantKind: apperr.Invalid,
			wantFields: map[string]string{"count": "Count must be a whole number."}},

		{name: "over the limit", values: big, wantErr: true, wantKind: apperr.TooLarge},
		{name: "over the limit, streamed", values: big, streamed: true, wantErr: true, wantKind: apperr.TooLarge},
		{name: "over the limit, multipart", values: big, multipart: true, wantErr: true, wantKind: apperr.TooLarge},
		{name: "json content type", values: full, ct: "application/json", wantErr: true, wantKind: apperr.UnsupportedMedia},
		{name: "no content type", values: full, ct: "-", wantErr: true, wantKind: apperr.UnsupportedMedia},
		{name: "multipart without boundary", values: full, ct: "multipart/form-data", wantErr: true, wantKind: apperr.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			ct := "application/x-www-form-urlencoded"
			if tt.multipart {
				body, ct = multipartBody(t, tt.values)
			} else {
				body = strings.NewReader(tt.values.Encode())
			}
			if tt.streamed {
				body = streamed{body}
			}
			switch tt.ct {
			case "":
			case "-":
				ct = ""
			default:
				ct = tt.ct
			}
			// Query parameters are not form values: they must never be bound.
			req := httptest.NewRequest(http.MethodPost, "/tasks?name=from-query&role=admin", body)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			var got formInput
			err := httpx.DecodeForm(httptest.NewRecorder(), req, &got)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("DecodeForm() = %v, want nil", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("decoded mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeForm() = nil (decoded %+v), want %v error", got, tt.wantKind)
			}
			if k := apperr.KindOf(err); k != tt.wantKind {
				t.Errorf("KindOf(DecodeForm()) = %v (%d), want %v (%d); err: %v", k, k.Status(), tt.wantKind, tt.wantKind.Status(), err)
			}
			if tt.wantFields != nil {
				if diff := cmp.Diff(tt.wantFields, apperr.FieldsOf(err)); diff != "" {
					t.Errorf("FieldsOf mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// signupForm has rules (validate tags) that DecodeForm leaves alone.
type signupForm struct {
	Email string `form:"email" validate:"required,email"`
	Age   int    `form:"age" validate:"min=18"`
}

func TestDecodeFormBindingProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		values     url.Values
		wantFields map[string]string
	}{
		{"valid", url.Values{"email": {"a@example.com"}, "age": {"30"}}, nil},
		{"rules are the service's, not the decoder's", url.Values{"email": {"nope"}, "age": {"3"}}, nil},
		{"a value that does not parse is a field problem", url.Values{"age": {"old"}}, map[string]string{
			"age": "Age must be a whole number.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader(tt.values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			var in signupForm
			err := httpx.DecodeForm(httptest.NewRecorder(), req, &in)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("DecodeForm() = %v, want nil", err)
				}
				return
			}
			if k := apperr.KindOf(err); k != apperr.Invalid {
				t.Fatalf("KindOf(DecodeForm()) = %v, want %v; err: %v", k, apperr.Invalid, err)
			}
			if diff := cmp.Diff(tt.wantFields, apperr.FieldsOf(err)); diff != "" {
				t.Errorf("FieldsOf mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// upper is a form field type with its own text decoding.
type upper string

func (u *upper) UnmarshalText(b []byte) error {
	if strings.ContainsAny(string(b), "0123456789") {
		return errors.New("no digits allowed")
	}
	*u = upper(strings.ToUpper(string(b)))
	return nil
}

func TestDecodeFormTextUnmarshaler(t *testing.T) {
	type input struct {
		Code  upper  `form:"code"`
		Maybe *upper `form:"maybe"`
	}
	decode := func(body string) (input, error) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var in input
		err := httpx.DecodeForm(httptest.NewRecorder(), req, &in)
		return in, err
	}
	in, err := decode("code=abc")
	if err != nil || in.Code != "ABC" || in.Maybe != nil {
		t.Errorf("DecodeForm(code=abc) = %+v, %v", in, err)
	}
	_, err = decode("code=a1&maybe=b2")
	fields := apperr.FieldsOf(err)
	if apperr.KindOf(err) != apperr.Invalid || !strings.Contains(fields["code"], "no digits allowed") || fields["maybe"] == "" {
		t.Errorf("DecodeForm(bad values) = %v, fields %v; want 422 naming both fields", err, fields)
	}
}
