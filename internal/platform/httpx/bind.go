package httpx

import (
	"encoding"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// DateLayout is the format of <input type="date"> values.
const DateLayout = "2006-01-02"

var timeType = reflect.TypeFor[time.Time]()

// bindForm copies values into the fields of *dst tagged `form:"name"`.
//
// Why not github.com/go-playground/form: it needs a decoder registered for
// every custom type (a task's Date, say), where this reads any
// encoding.TextUnmarshaler, and it reports Go conversion errors rather
// than a sentence per field; what it would replace is these 100 lines.
//
// Supported field types: string, bool, signed and unsigned integers,
// floats, time.Time (as DateLayout), types that implement
// encoding.TextUnmarshaler, []string, and pointers to these
// (left nil when the value is absent or empty). Values that do not convert
// are reported as field → message; the field keeps its zero value.
func bindForm(values url.Values, dst any) map[string]string {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("httpx: form destination must be a pointer to a struct") // a programming error, caught by any test
	}
	v = v.Elem()
	problems := map[string]string{}
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("form"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		raw, present := values[name]
		if !present {
			continue
		}
		if err := setField(v.Field(i), raw); err != "" {
			problems[name] = validate.Label(name) + " " + err
		}
	}
	return problems
}

// setField stores raw into f and returns a problem description or "".
func setField(f reflect.Value, raw []string) string {
	if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String {
		f.Set(reflect.ValueOf(append([]string(nil), raw...)))
		return ""
	}
	s := ""
	if len(raw) > 0 {
		s = raw[0]
	}
	if f.Kind() == reflect.Pointer {
		if s == "" {
			return ""
		}
		p := reflect.New(f.Type().Elem())
		if msg := setScalar(p.Elem(), s); msg != "" {
			return msg
		}
		f.Set(p)
		return ""
	}
	return setScalar(f, s)
}

func setScalar(f reflect.Value, s string) string {
	if f.Type() == timeType { // before TextUnmarshaler: forms send dates, not RFC 3339
		if s == "" {
			return ""
		}
		t, err := time.Parse(DateLayout, s)
		if err != nil {
			return "must be a date (YYYY-MM-DD)."
		}
		f.Set(reflect.ValueOf(t))
		return ""
	}
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if s == "" {
			return ""
		}
		if err := u.UnmarshalText([]byte(s)); err != nil {
			return "is not valid: " + err.Error() + "."
		}
		return ""
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
		return ""
	case reflect.Bool:
		return setBool(f, s)
	}
	if s == "" {
		return "" // an empty number field leaves the zero value
	}
	return setNumber(f, s)
}

// setBool reads a checkbox: browsers send "on" when it is checked and
// nothing otherwise.
func setBool(f reflect.Value, s string) string {
	switch strings.ToLower(s) {
	case "on", "true", "1", "yes":
		f.SetBool(true)
	case "", "off", "false", "0", "no":
		f.SetBool(false)
	default:
		return "must be true or false."
	}
	return ""
}

// setNumber parses s into a numeric field.
func setNumber(f reflect.Value, s string) string {
	switch f.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, f.Type().Bits())
		if err != nil {
			return "must be a whole number."
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, f.Type().Bits())
		if err != nil {
			return "must be a whole number, 0 or more."
		}
		f.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, f.Type().Bits())
		if err != nil {
			return "must be a number."
		}
		f.SetFloat(n)
	default:
		panic("httpx: unsupported form field type " + f.Type().String()) // a programming error
	}
	return ""
}
