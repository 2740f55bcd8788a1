package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// MaxBodyBytes is the default limit for JSON and form bodies (1 MiB).
const MaxBodyBytes = 1 << 20

// DecodeJSON decodes the JSON request body into dst. It only decodes:
// the rules are the service's (package validate).
//
// It returns an *apperr.Error of kind UnsupportedMedia (415) when the
// Content-Type is not JSON, TooLarge (413) over MaxBodyBytes, Malformed
// (400) for invalid JSON, wrong types, unknown fields, a field given twice,
// an empty body or trailing data, and Invalid (422, with field errors) when
// a string holds text PostgreSQL cannot store (see text.go).
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if !isJSONContentType(r.Header.Get("Content-Type")) {
		return apperr.New(apperr.UnsupportedMedia, "The request body must be JSON (Content-Type: application/json).")
	}
	// The body is read whole (at most MaxBodyBytes) so that it can also be
	// checked for duplicate keys, which encoding/json silently accepts.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return jsonError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	// A second value, or garbage after the first, is an error: a body is one object.
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return apperr.Wrap(err, apperr.Malformed, "The request body must contain a single JSON value.")
	}
	if key, ok := duplicateKey(body); ok {
		// {"title":"a","title":"b"} would otherwise mean whatever the last one says.
		return apperr.New(apperr.Malformed, fmt.Sprintf("The request body has the field %q twice.", key))
	}
	if problems := structTextProblems(dst); len(problems) > 0 {
		return apperr.Validation("Please correct the highlighted fields.", problems)
	}
	return nil
}

// duplicateKey reports the first key that appears twice in one object of
// data, which must be valid JSON.
func duplicateKey(data []byte) (string, bool) {
	type frame struct {
		keys      map[string]bool // nil for an array
		expectKey bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF: done; anything else was reported by Decode
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			f := &frame{}
			if tok == json.Delim('{') {
				f.keys, f.expectKey = map[string]bool{}, true
			}
			stack = append(stack, f)
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].keys != nil {
				stack[len(stack)-1].expectKey = true // the object value ended
			}
			continue
		}
		switch {
		case top == nil || top.keys == nil: // a scalar at the top or in an array
		case top.expectKey:
			key := tok.(string)
			if top.keys[key] {
				return key, true
			}
			top.keys[key], top.expectKey = true, false
		default:
			top.expectKey = true // a scalar value ended
		}
	}
}

func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func tooLarge(err error) bool {
	_, ok := errors.AsType[*http.MaxBytesError](err)
	return ok
}

// jsonError turns a decoding error into a client error with a message that
// says what is wrong without echoing the input.
func jsonError(err error) error {
	if tooLarge(err) {
		return apperr.Wrap(err, apperr.TooLarge, fmt.Sprintf("The request body must not be larger than %d bytes.", MaxBodyBytes))
	}
	if syntaxErr, ok := errors.AsType[*json.SyntaxError](err); ok {
		return apperr.Wrap(err, apperr.Malformed, fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntaxErr.Offset))
	}
	if typeErr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if typeErr.Field != "" && decodesItself(typeErr.Type) {
			return apperr.Wrap(err, apperr.Malformed, fmt.Sprintf("Field %q is not in the expected format.", typeErr.Field))
		}
		if typeErr.Field != "" {
			return apperr.Wrap(err, apperr.Malformed, fmt.Sprintf("Field %q must be of type %s.", typeErr.Field, jsonTypeName(typeErr.Type.Kind().String())))
		}
		return apperr.Wrap(err, apperr.Malformed, "The request body must be a JSON object.")
	}
	switch {
	case errors.Is(err, io.EOF):
		return apperr.Wrap(err, apperr.Malformed, "The request body must not be empty.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Wrap(err, apperr.Malformed, "The request body is not valid JSON (it ends too early).")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for unknown fields.
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return apperr.Wrap(err, apperr.Malformed, fmt.Sprintf("The request body has an unknown field %s.", field))
	default:
		return apperr.Wrap(err, apperr.Malformed, "The request body is not valid JSON.")
	}
}

// decodesItself reports whether t has its own JSON or text decoding (a
// date, say), whose errors are about format rather than JSON type.
func decodesItself(t reflect.Type) bool {
	if t == nil {
		return false
	}
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	default:
		return "number"
	}
}

// DecodeForm parses a URL-encoded or multipart form body (at most
// MaxBodyBytes) into dst, whose fields are tagged `form:"name"`. Fields
// that are not in dst are ignored, so a form can never set what the
// struct does not declare. It only decodes: the rules are the service's
// (package validate).
//
// It returns TooLarge (413) over the limit, UnsupportedMedia (415) for other
// content types, Malformed (400) for an unparsable body, and Invalid (422,
// with field errors) for any posted value with text PostgreSQL cannot
// store (see text.go) and for values that do not parse as their field's
// type (a date that is not a date), so the form can be shown again with
// the input.
func DecodeForm(w http.ResponseWriter, r *http.Request, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(MaxBodyBytes)
	default:
		return apperr.New(apperr.UnsupportedMedia, "The request body must be a form.")
	}
	if err != nil {
		if tooLarge(err) {
			return apperr.Wrap(err, apperr.TooLarge, fmt.Sprintf("The form must not be larger than %d bytes.", MaxBodyBytes))
		}
		return apperr.Wrap(err, apperr.Malformed, "The form could not be read.")
	}
	fields := formTextProblems(r.PostForm) // first: its message is the one that matters
	fileNameProblems(r, fields)
	for name, msg := range bindForm(r.PostForm, dst) {
		if _, seen := fields[name]; !seen {
			fields[name] = msg
		}
	}
	if len(fields) > 0 {
		return apperr.Validation("Please correct the highlighted fields.", fields)
	}
	return nil
}
