package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// sweepCase is one request of the sweep: a route, a role, and at most one
// hostile thing in one shape.
type sweepCase struct {
	method, pattern string
	in              sweepInput
	role            account.Role
	shape           string // control, query, path, header, form, multipart, json, json-value, form-body, json-body
	field           string // the parameter or field that carries the value
	value           httpxtest.Value
	htmx            bool
	listed          bool // the route is in sweepInputs, so its fields are its real ones
}

func (c sweepCase) String() string {
	return fmt.Sprintf("%s %s as %s: %s %q = %s", c.method, c.pattern, c.role, c.shape, c.field, c.value.Name)
}

// mustRefuse reports whether the boundary rule must refuse the case: text
// PostgreSQL cannot store, in a place the route reads. Invalid UTF-8
// inside JSON is not refused: encoding/json has replaced it already.
func (c sweepCase) mustRefuse() bool {
	if !c.value.Unstorable || c.in.outsideRule {
		return false
	}
	switch c.shape {
	case "query", "path": // every query parameter and path value: the handler adapter checks them all
		return true
	case "form", "multipart":
		return c.listed && slices.Contains(c.in.form, c.field)
	case "json":
		return c.listed && slices.Contains(c.in.json, c.field) && strings.IndexByte(c.value.Text, 0) >= 0
	}
	return false
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}|\*$`)

// probeValues are what a route gets in a shape it does not take.
func probeValues() []httpxtest.Value {
	var vs []httpxtest.Value
	for _, v := range httpxtest.Values() {
		if v.Unstorable || v.Name == "1 MB ASCII" || v.Name == "SQL quote" || v.Name == "empty" {
			vs = append(vs, v)
		}
	}
	return vs
}

// headerValues are what headers get: text a real server lets through in a
// header (not NUL, CR or LF) that PostgreSQL cannot store, and a long one.
func headerValues() []httpxtest.Value {
	var vs []httpxtest.Value
	for _, v := range httpxtest.Values() {
		if (v.Unstorable && strings.IndexByte(v.Text, 0) < 0) || v.Name == "10001 characters" {
			vs = append(vs, v)
		}
	}
	return vs
}

func hasBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// sweepCases lists every case for one route and role.
func sweepCases(method, pattern string, in sweepInput, role account.Role) []sweepCase {
	corpus := httpxtest.Values()
	var cases []sweepCase
	add := func(shape, field string, vs []httpxtest.Value) {
		for i, v := range vs {
			cases = append(cases, sweepCase{method: method, pattern: pattern, in: in, role: role, shape: shape, field: field, value: v, htmx: i%2 == 1})
		}
	}
	add("control", "", []httpxtest.Value{{Name: "valid input"}})
	queryNames, queryValues := in.query, corpus
	if len(queryNames) == 0 {
		queryNames, queryValues = []string{"x"}, probeValues()
	}
	for _, name := range queryNames {
		add("query", name, queryValues)
	}
	add("header", "User-Agent", headerValues())
	for _, m := range pathParam.FindAllStringSubmatch(pattern, -1) {
		add("path", cmpOr(m[1], "*"), corpus)
	}
	if !hasBody(method) {
		return cases
	}
	formFields, formValues := in.form, corpus
	if len(formFields) == 0 {
		formFields, formValues = []string{"title"}, probeValues()
	}
	for _, f := range formFields {
		add("form", f, formValues)
		add("multipart", f, unstorable(formValues))
	}
	jsonFields, jsonValues := in.json, corpus
	if len(jsonFields) == 0 {
		jsonFields, jsonValues = []string{"title"}, probeValues()
	}
	for _, f := range jsonFields {
		add("json", f, jsonValues)
		if len(in.json) > 0 {
			add("json-value", f, raw(httpxtest.JSONValues()))
		}
	}
	if len(in.form) > 0 {
		add("form-body", "", raw(httpxtest.FormBodies()))
	}
	if len(in.json) > 0 {
		add("json-body", "", raw(httpxtest.JSONBodies()))
	}
	return cases
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func unstorable(vs []httpxtest.Value) []httpxtest.Value {
	var out []httpxtest.Value
	for _, v := range vs {
		if v.Unstorable {
			out = append(out, v)
		}
	}
	return out
}

func raw(ss []string) []httpxtest.Value {
	vs := make([]httpxtest.Value, len(ss))
	for i, s := range ss {
		name := s
		if len(name) > 24 || !utf8.ValidString(name) {
			name = fmt.Sprintf("%.24q (%d bytes)", s, len(s))
		}
		vs[i] = sweepValue(name, s)
	}
	return vs
}

func sweepValue(name, text string) httpxtest.Value { return httpxtest.Value{Name: name, Text: text} }

// request builds c's request as account a. Building may create what the
// path names (a task, a token), so it runs just before the request.
func (c sweepCase) request(s *sweeper, a *sweepAccount) *http.Request {
	r := &sweepReq{s: s, a: a}
	target := pathParam.ReplaceAllStringFunc(c.pattern, func(m string) string {
		name := cmpOr(strings.Trim(m, "{}"), "*")
		if c.shape == "path" && c.field == name {
			return url.PathEscape(c.value.Text)
		}
		if p, ok := c.in.path[name]; ok {
			return url.PathEscape(p(r))
		}
		return "1"
	})
	if c.shape == "query" {
		target += "?" + url.Values{c.field: {c.value.Text}}.Encode()
	}
	body, contentType := c.body(r)
	req := httptest.NewRequest(c.method, "/", body)
	req.URL, req.RequestURI = mustURL(target), target
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Cookie", a.cookie)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	if c.htmx {
		req.Header.Set("HX-Request", "true")
	}
	if c.shape == "header" {
		req.Header.Set(c.field, c.value.Text)
	}
	return req
}

func mustURL(target string) *url.URL {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		panic(fmt.Sprintf("sweep: bad target %q: %v", target, err)) // a bug in the sweep itself
	}
	return u
}

// body returns c's body and its Content-Type: the route's valid base with
// c's field replaced, or a whole hostile body; none for GET and HEAD.
func (c sweepCase) body(r *sweepReq) (*bytes.Reader, string) {
	if !hasBody(c.method) {
		return bytes.NewReader(nil), ""
	}
	switch c.shape {
	case "form-body":
		return bytes.NewReader([]byte(c.value.Text)), "application/x-www-form-urlencoded"
	case "json-body":
		return bytes.NewReader([]byte(c.value.Text)), "application/json"
	}
	fields := map[string]any{}
	for k, v := range c.in.base {
		if f, ok := v.(sweepVar); ok {
			v = f(r)
		}
		fields[k] = v
	}
	if c.shape == "form" || c.shape == "multipart" || c.shape == "json" || c.shape == "json-value" {
		fields[c.field] = c.value.Text
	}
	takesJSON := len(c.in.json) > 0 || c.shape == "json" || c.shape == "json-value"
	switch {
	case c.shape == "multipart":
		return multipartBody(fields)
	case takesJSON && c.shape != "form":
		return bytes.NewReader(jsonBody(fields, c)), "application/json"
	}
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, fmt.Sprint(v))
	}
	return bytes.NewReader([]byte(form.Encode())), "application/x-www-form-urlencoded"
}

// jsonBody encodes fields; c's value goes in as written: a raw JSON value
// for json-value, and invalid UTF-8 spliced in unreplaced for json.
func jsonBody(fields map[string]any, c sweepCase) []byte {
	const mark = "\u2063sweep-value\u2063"
	if c.shape == "json-value" || (c.shape == "json" && !utf8.ValidString(c.value.Text)) {
		fields[c.field] = mark
	}
	b, _ := json.Marshal(fields)
	switch {
	case c.shape == "json-value":
		return bytes.Replace(b, []byte(`"`+mark+`"`), []byte(c.value.Text), 1)
	case c.shape == "json" && !utf8.ValidString(c.value.Text):
		return bytes.Replace(b, []byte(mark), []byte(c.value.Text), 1)
	}
	return b
}

func multipartBody(fields map[string]any) (*bytes.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, fmt.Sprint(v)) // writes to memory: cannot fail
	}
	_ = mw.Close()
	return bytes.NewReader(buf.Bytes()), mw.FormDataContentType()
}
