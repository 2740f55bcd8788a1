package httpx

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// This file is the one rule for text at the boundary: PostgreSQL's text
// types cannot hold a NUL character or bytes that are not UTF-8, and a
// value that holds either fails in the database (SQLSTATE 22021) if it
// gets that far. So no such value gets past the request boundary:
//
//   - form fields and JSON fields: DecodeForm and DecodeJSON answer 422
//     with the field's name (every posted form field and uploaded file name
//     is checked, also those a handler reads from r.PostForm itself; JSON
//     is checked after decoding, so encoding/json's replacement of invalid
//     UTF-8 stands and only "\u0000" is left to refuse);
//   - query parameters and path values: HandlerFunc answers 400 naming the
//     parameter before the handler runs, so no handler has to remember it;
//   - headers that are only recorded: HeaderText makes them storable.
//
// Lengths are the input type's own business (validate tags, or its
// Validate method), because only it knows its column's limit. If a value
// gets through anyway, postgres.Translate turns PostgreSQL's refusal into
// a 422 that httpx.Error logs as a bug.

// textProblem returns why s cannot be stored as PostgreSQL text, or "".
func textProblem(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "must not contain a NUL character (\\0)."
	case !utf8.ValidString(s):
		return "must be valid UTF-8 text."
	}
	return ""
}

// formTextProblems checks every value of every form field. A field whose
// name is itself not storable text is reported under that name made safe.
func formTextProblems(values url.Values) map[string]string {
	problems := map[string]string{}
	for name, vs := range values {
		key := safeName(name)
		if msg := textProblem(name); msg != "" {
			problems[key] = "The field name " + msg
			continue
		}
		for _, v := range vs {
			if msg := textProblem(v); msg != "" {
				problems[key] = validate.Label(key) + " " + msg
				break
			}
		}
	}
	return problems
}

// fileNameProblems checks the file names of a multipart form's files: a
// handler that keeps a file will likely store its name.
func fileNameProblems(r *http.Request, problems map[string]string) {
	if r.MultipartForm == nil {
		return
	}
	for name, files := range r.MultipartForm.File {
		for _, fh := range files {
			if msg := textProblem(fh.Filename); msg != "" {
				problems[safeName(name)] = "The file name of " + validate.Label(safeName(name)) + " " + msg
				break
			}
		}
	}
}

// structTextProblems checks every string reachable from dst (fields,
// pointers, slices, map keys and values, nested structs, and interface
// values such as a decoded map[string]any), keyed by the field's name as
// the client spelt it ("nested.name" for a nested field).
func structTextProblems(dst any) map[string]string {
	problems := map[string]string{}
	walkText(reflect.ValueOf(dst), "", problems)
	return problems
}

func walkText(v reflect.Value, name string, problems map[string]string) {
	if !v.IsValid() {
		return
	}
	if _, seen := problems[fieldKey(name)]; seen {
		return // one message per field is enough
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), name, problems)
		}
	case reflect.String:
		if msg := textProblem(v.String()); msg != "" {
			problems[fieldKey(name)] = validate.Label(fieldKey(name)) + " " + msg
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (base64 in JSON) are not text
		}
		for i := range v.Len() {
			walkText(v.Index(i), name, problems)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			walkText(iter.Key(), name, problems)
			walkText(iter.Value(), name, problems)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() && !sf.Anonymous {
				continue // also skips the insides of time.Time and similar
			}
			child := clientName(sf)
			if child == "-" {
				continue
			}
			if sf.Anonymous && child == sf.Name {
				child = "" // an embedded struct's fields are the parent's
			}
			walkText(v.Field(i), joinName(name, child), problems)
		}
	}
}

// clientName is the name a client uses for a field: its json tag, else
// its form tag, else the Go name (as encoding/json does); "-" for none.
func clientName(sf reflect.StructField) string {
	for _, tag := range []string{"json", "form"} {
		name, _, _ := strings.Cut(sf.Tag.Get(tag), ",")
		if name != "" {
			return name
		}
	}
	return sf.Name
}

func joinName(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	}
	return parent + "." + child
}

// fieldKey names a problem at the top level ("body") when the value is
// not in a field, e.g. a JSON body that is one string.
func fieldKey(name string) string {
	if name == "" {
		return "body"
	}
	return name
}

// HeaderText returns the request header name as text PostgreSQL can
// store, for a header that is only recorded, never acted on (User-Agent on
// the account page's list of sessions). A header is not refused for its
// content, since browsers and proxies send what they send, so bytes that
// are not UTF-8 and control characters become U+FFFD and the text is cut
// to at most maxBytes.
func HeaderText(r *http.Request, name string, maxBytes int) string {
	return printable(r.Header.Get(name), maxBytes)
}

// safeName makes a client-chosen name printable in a message.
func safeName(s string) string {
	if len(s) > 64 {
		return printable(s, 64) + "…"
	}
	return printable(s, 64)
}

// printable replaces invalid UTF-8 and control characters with U+FFFD and
// cuts s to at most maxBytes, on a character boundary.
func printable(s string, maxBytes int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > maxBytes {
		s = strings.ToValidUTF8(s[:maxBytes], "")
	}
	return s
}

// requestTextError returns a Malformed error (400) naming the first query
// parameter or path value of r that cannot be stored as text, or nil.
// Query parameters that do not parse are left to the handler, as before.
func requestTextError(r *http.Request) error {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		for i, key := range rc.URLParams.Keys {
			if i < len(rc.URLParams.Values) {
				if msg := textProblem(rc.URLParams.Values[i]); msg != "" {
					return apperr.New(apperr.Malformed, fmt.Sprintf("The path parameter %q %s", safeName(key), msg))
				}
			}
		}
	}
	if raw := r.URL.RawQuery; raw == "" || (!strings.Contains(raw, "%") && textProblem(raw) == "") {
		return nil // nothing escaped and nothing raw to refuse: the usual case, without parsing
	}
	values, _ := url.ParseQuery(r.URL.RawQuery)
	for _, name := range slices.Sorted(maps.Keys(values)) { // sorted: the same request, the same message
		vs := values[name]
		if msg := textProblem(name); msg != "" {
			return apperr.New(apperr.Malformed, fmt.Sprintf("The query parameter %q: its name %s", safeName(name), msg))
		}
		for _, v := range vs {
			if msg := textProblem(v); msg != "" {
				return apperr.New(apperr.Malformed, fmt.Sprintf("The query parameter %q %s", name, msg))
			}
		}
	}
	return nil
}
