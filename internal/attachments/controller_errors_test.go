package attachments_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/attachments"
)

// TestBadUploads is item 6 of the issue: each bad input gets a clear 4xx,
// nothing is half written, nothing stays in storage.
func TestBadUploads(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	alice, task := s.user(t)
	bob, bobTask := s.user(t)
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("x", 200))

	t.Run("presign refusals", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			in    attachments.UploadInput
			field string
		}{
			{"a type not allowed", attachments.UploadInput{Filename: "x.html", ContentType: "text/html", Size: 10}, "content_type"},
			{"too large", attachments.UploadInput{Filename: "big.pdf", ContentType: "application/pdf", Size: 2 << 20}, "size"},
			{"empty", attachments.UploadInput{Filename: "e.pdf", ContentType: "application/pdf", Size: 0}, "size"},
			{"a path in the name", attachments.UploadInput{Filename: "../../etc/passwd", ContentType: "application/pdf", Size: 10}, "filename"},
			{"a backslash in the name", attachments.UploadInput{Filename: `a\b.pdf`, ContentType: "application/pdf", Size: 10}, "filename"},
			{"a control character in the name", attachments.UploadInput{Filename: "a\x07b.pdf", ContentType: "application/pdf", Size: 10}, "filename"},
		} {
			b, _ := json.Marshal(tt.in)
			resp, body := alice.Do(http.MethodPost, "/api/v1/uploads", strings.NewReader(string(b)), "Content-Type", "application/json")
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"`+tt.field+`"`) {
				t.Errorf("%s: %d %s, want 422 naming %s", tt.name, resp.StatusCode, body, tt.field)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM uploads`); n != 0 {
			t.Errorf("refused presigns left %d upload rows", n)
		}
	})

	presign := func(t *testing.T, ct string, size int) attachments.Uploaded {
		t.Helper()
		var up attachments.Uploaded
		if resp := postJSON(t, alice, "/api/v1/uploads", attachments.UploadInput{Filename: "f", ContentType: ct, Size: int64(size)}, &up); resp.StatusCode != http.StatusCreated {
			t.Fatalf("presign = %d", resp.StatusCode)
		}
		return up
	}
	finalize := func(t *testing.T, key string) (int, string) {
		t.Helper()
		b, _ := json.Marshal(attachments.FinalizeInput{Key: key, Filename: "doc.pdf"})
		resp, body := alice.Do(http.MethodPost, apiPath(task), strings.NewReader(string(b)), "Content-Type", "application/json")
		return resp.StatusCode, body
	}

	t.Run("storage refuses a tampered or mismatched upload", func(t *testing.T) {
		up := presign(t, "application/pdf", len(pdf))
		u, _ := url.Parse(up.URL)
		q := u.Query()
		q.Set("size", "999999") // a bigger file than signed
		u.RawQuery = q.Encode()
		if code := put(t, attachments.Uploaded{URL: u.String(), Method: up.Method}, pdf, "application/pdf"); code != http.StatusForbidden {
			t.Errorf("tampered URL = %d, want 403", code)
		}
		if code := put(t, up, pdf, "image/png"); code != http.StatusForbidden {
			t.Errorf("another content type = %d, want 403", code)
		}
		if _, err := s.store.Stat(t.Context(), up.Key); err == nil {
			t.Error("a refused upload left an object")
		}
	})

	t.Run("finalize refusals", func(t *testing.T) {
		if code, body := finalize(t, "uploads/1/neverpresigned"); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"key"`) {
			t.Errorf("never presigned: %d %s", code, body)
		}
		// Bob's upload is not Alice's to attach.
		var bobs attachments.Uploaded
		postJSON(t, bob, "/api/v1/uploads", attachments.UploadInput{Filename: "b.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}, &bobs)
		put(t, bobs, pdf, "application/pdf")
		if code, _ := finalize(t, bobs.Key); code != http.StatusUnprocessableEntity {
			t.Errorf("another user's upload: %d, want 422", code)
		}
		// Before the upload: 422, and the upload can still be finalized later.
		up := presign(t, "application/pdf", len(pdf))
		if code, _ := finalize(t, up.Key); code != http.StatusUnprocessableEntity {
			t.Errorf("before upload: %d, want 422", code)
		}
		put(t, up, pdf, "application/pdf")
		if code, body := finalize(t, up.Key); code != http.StatusCreated {
			t.Errorf("after the upload: %d %s, want 201", code, body)
		}
		// Another user's task: 404.
		b, _ := json.Marshal(attachments.FinalizeInput{Key: up.Key, Filename: "doc.pdf"})
		if resp, _ := alice.Do(http.MethodPost, apiPath(bobTask), strings.NewReader(string(b)), "Content-Type", "application/json"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("finalize on bob's task = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("bytes that are not the declared type are deleted", func(t *testing.T) {
		fake := []byte("<html><script>alert(1)</script>" + strings.Repeat(" ", 100))
		up := presign(t, "image/png", len(fake))
		if code := put(t, up, fake, "image/png"); code != http.StatusOK {
			t.Fatalf("PUT = %d", code)
		}
		if code, body := finalize(t, up.Key); code != http.StatusUnprocessableEntity || !strings.Contains(body, "contents do not match") {
			t.Errorf("type mismatch: %d %s", code, body)
		}
		if _, err := s.store.Stat(t.Context(), up.Key); err == nil {
			t.Error("the mismatched file is still in storage")
		}
		if n := count(t, s, `SELECT count(*) FROM attachments WHERE key = $1`, up.Key); n != 0 {
			t.Error("an attachment row was written for the mismatched file")
		}
		if code, _ := finalize(t, up.Key); code != http.StatusUnprocessableEntity {
			t.Errorf("a second finalize: %d, want 422 (the upload is gone)", code)
		}
	})
}

func count(t *testing.T, s *stack, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
