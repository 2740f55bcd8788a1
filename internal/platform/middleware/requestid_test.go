package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/middleware"
)

// freshID is the shape of a generated ID: 80 random bits in unpadded base32.
var freshID = regexp.MustCompile(`^[A-Z2-7]{16}$`)

// serveRequestID runs one request through RequestID and returns the ID the
// handler saw and the one echoed in the response.
func serveRequestID(t *testing.T, incoming []string) (seen, echoed string) {
	t.Helper()
	h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = httpx.RequestID(r.Context())
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if incoming != nil {
		req.Header["X-Request-Id"] = incoming
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return seen, rec.Result().Header.Get("X-Request-ID")
}

func TestRequestIDKeepsValidIncoming(t *testing.T) {
	t.Parallel()
	for _, id := range []string{
		"a",
		"abc-123",
		"0f9c2a7e-1b2d-4c3e-8f9a-0123456789ab",
		"v1.abc_DEF-9",
		strings.Repeat("x", 128),
	} {
		seen, echoed := serveRequestID(t, []string{id})
		if seen != id {
			t.Errorf("incoming %q: handler saw %q, want it kept", id, seen)
		}
		if echoed != id {
			t.Errorf("incoming %q: X-Request-ID = %q, want it echoed", id, echoed)
		}
	}
}

func TestRequestIDReplacesInvalidIncoming(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		incoming []string
	}{
		{"absent", nil},
		{"empty", []string{""}},
		{"129 chars", []string{strings.Repeat("x", 129)}},
		{"space", []string{"abc def"}},
		{"CRLF", []string{"abc\r\nSet-Cookie: a=b"}},
		{"angle bracket", []string{"<script>"}},
		{"equals sign", []string{"Root=1"}},
		{"non-ASCII", []string{"idé"}},
		{"slash", []string{"../etc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seen, echoed := serveRequestID(t, tt.incoming)
			if !freshID.MatchString(seen) {
				t.Errorf("handler saw %q, want a fresh 16-character ID", seen)
			}
			if echoed != seen {
				t.Errorf("X-Request-ID = %q, want the ID the handler saw (%q)", echoed, seen)
			}
		})
	}
}

func TestRequestIDUnique(t *testing.T) {
	t.Parallel()
	const n = 1000
	seen := make(map[string]bool, n)
	for range n {
		id, echoed := serveRequestID(t, nil)
		if !freshID.MatchString(id) {
			t.Fatalf("generated ID %q, want 16 base32 characters", id)
		}
		if echoed != id {
			t.Fatalf("X-Request-ID = %q, want %q", echoed, id)
		}
		if seen[id] {
			t.Fatalf("ID %q generated twice in %d requests", id, len(seen)+1)
		}
		seen[id] = true
	}
}
