package app

import (
	"encoding/json"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// TestUnstorableTextIsRefused is issue 16's four requests that answered
// 500 (PostgreSQL: invalid byte sequence for encoding "UTF8": 0x00) and
// the sign-up that did not: each is now refused, 422 for a form or JSON
// field and 400 for a query parameter, with a message naming it, and
// nothing is written.
func TestUnstorableTextIsRefused(t *testing.T) {
	s := newSweeper(t, &sweepReport{t: t, counts: map[string]int{}})
	user := s.accounts[account.RoleUser]
	const nulMsg = "must not contain a NUL character"
	tests := []struct {
		name, method, target, contentType, body string
		anonymous                               bool
		wantStatus                              int
		wantText                                string // in the page, or in the problem's detail and errors
	}{
		{"API create", "POST", "/api/v1/tasks", "application/json", `{"title":"a\u0000b"}`, false, 422, "Title " + nulMsg},
		{"HTML create", "POST", "/tasks", "application/x-www-form-urlencoded", "title=x%00y", false, 422, "Title " + nulMsg},
		{"HTML search", "GET", "/tasks?q=a%00b", "", "", false, 400, `The query parameter "q" ` + nulMsg},
		{"API search", "GET", "/api/v1/tasks?q=a%00b", "", "", false, 400, `The query parameter "q" ` + nulMsg},
		{"API search, invalid UTF-8", "GET", "/api/v1/tasks?q=%FF", "", "", false, 400, `The query parameter "q" must be valid UTF-8 text`},
		{"sign-up", "POST", "/signup", "application/x-www-form-urlencoded", "email=a%00b%40example.com&password=long+enough+password", true, 422, "Email " + nulMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.fingerprint()
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if !tt.anonymous {
				req.Header.Set("Cookie", user.cookie)
			}
			rec := httptest.NewRecorder()
			s.st.mux.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d: %.500s", tt.method, tt.target, rec.Code, tt.wantStatus, rec.Body)
			}
			got := html.UnescapeString(rec.Body.String())
			if rec.Header().Get("Content-Type") == "application/problem+json" {
				var p httpx.Problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
					t.Fatal(err)
				}
				got = p.Detail + " " + strings.Join(mapValues(p.Errors), " ")
			}
			if !strings.Contains(got, tt.wantText) {
				t.Errorf("answer does not say %q:\n%.2000s", tt.wantText, got)
			}
			if after := s.fingerprint(); after != before {
				t.Errorf("the database changed:\n before %s\n after  %s", before, after)
			}
		})
	}
	if lines := s.errs.since(0); len(lines) > 0 {
		t.Errorf("error log lines:\n%s", strings.Join(lines, "\n"))
	}
}

func mapValues(m map[string]string) []string {
	var vs []string
	for _, v := range m {
		vs = append(vs, v)
	}
	return vs
}
