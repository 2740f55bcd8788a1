// Package httpxtest holds a corpus of hostile input for tests: the sweep
// of every route in internal/app (TestHostileInputSweep) sends it in every
// shape a route takes, and the fuzz targets of httpx start from it. Add a
// value here and both use it.
package httpxtest

import "strings"

// Value is one hostile text value.
type Value struct {
	Name string // short and printable, for failure messages
	Text string
	// Unstorable marks text PostgreSQL cannot store (a NUL character or
	// invalid UTF-8): the boundary must refuse it wherever it is sent.
	Unstorable bool
}

// OneMB is the length of the longest values: as long as a body may be
// (httpx.MaxBodyBytes is 1 MiB), minus room for the rest of the request.
const OneMB = 1_000_000

// Values returns the corpus: control characters and NUL, invalid UTF-8,
// 1 MB strings, lengths just past the schema's limits, numbers that
// overflow, negative and zero IDs, impossible dates, SQL and HTML
// metacharacters, path traversal, Unicode look-alikes and empty values.
func Values() []Value {
	return []Value{
		{Name: "empty", Text: ""},
		{Name: "spaces", Text: "   "},
		{Name: "NUL", Text: "a\x00b", Unstorable: true},
		{Name: "only NUL", Text: "\x00", Unstorable: true},
		{Name: "controls", Text: "\x01\x02\x1b[31mred\x7f"},
		{Name: "CR LF TAB", Text: "a\r\nb\tc\r\n"},
		{Name: "bidi override and zero width", Text: "\u202egnp.exe\u200b\ufeff"},
		{Name: "invalid UTF-8", Text: "\xff\xfe", Unstorable: true},
		{Name: "truncated UTF-8", Text: "caf\xc3", Unstorable: true},
		{Name: "UTF-16 surrogate as UTF-8", Text: "\xed\xa0\x80", Unstorable: true},
		{Name: "overlong slash", Text: "\xc0\xaf", Unstorable: true},
		{Name: "1 MB ASCII", Text: strings.Repeat("a", OneMB)},
		{Name: "1 MB two-byte", Text: strings.Repeat("é", OneMB/2)},
		{Name: "201 characters", Text: strings.Repeat("x", 201)},
		{Name: "255 characters", Text: strings.Repeat("y", 255)},
		{Name: "1025 bytes", Text: strings.Repeat("z", 1025)},
		{Name: "10001 characters", Text: strings.Repeat("n", 10_001)},
		{Name: "long email", Text: strings.Repeat("a", 250) + "@example.com"},
		{Name: "int64 overflow", Text: "9223372036854775808"},
		{Name: "int64 underflow", Text: "-9223372036854775809"},
		{Name: "huge number", Text: "1" + strings.Repeat("0", 400)},
		{Name: "float overflow", Text: "1e400"},
		{Name: "negative", Text: "-1"},
		{Name: "zero", Text: "0"},
		{Name: "negative zero", Text: "-0"},
		{Name: "fraction", Text: "1.5"},
		{Name: "hex", Text: "0x10"},
		{Name: "NaN", Text: "NaN"},
		{Name: "bad date", Text: "2026-13-45"},
		{Name: "zero date", Text: "0000-00-00"},
		{Name: "February 30", Text: "2026-02-30"},
		{Name: "year 10000", Text: "10000-01-01"},
		{Name: "SQL quote", Text: "' OR '1'='1"},
		{Name: "SQL comment", Text: "x'; DROP TABLE tasks; --"},
		{Name: "LIKE and tsquery syntax", Text: "%_\\ !&|():* <->"},
		{Name: "backslashes", Text: `\\\'\"`},
		{Name: "HTML", Text: `"><script>alert(1)</script><img src=x onerror=alert(1)>`},
		{Name: "template syntax", Text: "{{.}} ${7*7} <%= 1 %>"},
		{Name: "path traversal", Text: "../../../../etc/passwd"},
		{Name: "encoded traversal", Text: "..%2f..%2fetc%2fpasswd"},
		{Name: "backslash traversal", Text: `..\..\windows\win.ini`},
		{Name: "percent", Text: "100%"},
		{Name: "look-alike email", Text: "\u0430dmin@ex\u0430mple.com"},
		{Name: "full-width", Text: "ｔａｓｋ＠ｅｘａｍｐｌｅ．ｃｏｍ"},
		{Name: "case folding", Text: "İSTANBUL ß ﬁ"},
		{Name: "emoji and combining", Text: "👍🏽 e\u0301 \U0001F468\u200D\U0001F469\u200D\U0001F467"},
		{Name: "JSON-looking", Text: `{"title":"x","role":"admin"}`},
		{Name: "null word", Text: "null"},
	}
}

// JSONValues returns JSON values that are not strings, to send where a
// field expects one kind of value: numbers that overflow, other types,
// arrays where objects are expected, and deep nesting.
func JSONValues() []string {
	return []string{
		`null`, `true`, `0`, `-1`, `1.5`,
		`9223372036854775808`, `-9223372036854775809`, `1e400`,
		`[]`, `["a"]`, `{}`, `{"a":"b"}`, `[{"title":"x"}]`,
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000),
		strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
	}
}

// JSONBodies returns whole JSON bodies that are hostile in their shape
// rather than in one field: arrays and scalars where an object is
// expected, deep nesting, duplicate keys, invalid syntax and encodings.
func JSONBodies() []string {
	return []string{
		``, ` `, `null`, `"title"`, `42`, `[]`, `[{"title":"a"}]`, `{}`,
		`{"title":"a","title":"b"}`,
		`{"title":"a"} {"title":"b"}`,
		`{"title":"a"`,
		`{"title":"a",}`,
		`{'title':'a'}`,
		"\xef\xbb\xbf{\"title\":\"bom\"}",
		"{\"title\":\"\xff\"}",
		`{"title":"\ud800"}`,
		`{"title":"a\u0000b"}`,
		"{\"title\x00\":\"a\"}",
		`{"title":"a","role":"admin","user_id":1,"id":1}`,
		strings.Repeat(`{"a":`, 10_000) + "1" + strings.Repeat("}", 10_000),
		strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000),
	}
}

// FormBodies returns whole application/x-www-form-urlencoded bodies that
// are hostile in their encoding: repeated and empty names, bad escapes,
// semicolons, array syntax and raw bytes.
func FormBodies() []string {
	return []string{
		``, `&&&`, `=`, `=x`, `title`, `title=a&title=b`, `title[]=a&title[0]=b`,
		`title=%zz`, `title=%`, `title=a;b=c`, `title=a%00b`, `ti%00tle=x`,
		"title=\xff", "title=a+b%2B%26%3D", strings.Repeat("a=1&", 5000),
	}
}
