package storage_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/platform/storage/storagetest"
)

// drivers returns every driver on a fresh bucket or directory: Local
// behind its handler on a test server, and S3 on versitygw.
func drivers(t *testing.T) map[string]storage.Store {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	prefix, _ := url.Parse(srv.URL + "/storage")
	local, err := storage.NewLocal(t.TempDir(), []byte("a test secret of 32 bytes or more!!"), prefix)
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Route("/storage", local.Routes)
	srv.Config.Handler = r
	out := map[string]storage.Store{"local": local}
	if cfg, ok := storagetest.MaybeS3(t); ok {
		s3, err := storage.NewS3(cfg)
		if err != nil {
			t.Fatal(err)
		}
		out["s3"] = s3
	}
	return out
}

func send(t *testing.T, method, u string, body []byte, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestStoreContract runs the same checks on every driver: a presigned
// upload works only as signed (method, exact key, size, type, signature),
// and a download URL serves the bytes as an attachment.
func TestStoreContract(t *testing.T) {
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)
	for name, st := range drivers(t) {
		t.Run(name, func(t *testing.T) {
			key := "uploads/1/" + strings.ToLower(strconv.FormatInt(time.Now().UnixNano(), 36))
			up, err := st.PresignUpload(ctx, key, "image/png", int64(len(png)), time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if up.Method != http.MethodPut || up.Headers["Content-Type"] != "image/png" || time.Until(up.ExpiresAt) > storage.MaxURLTTL {
				t.Errorf("upload = %+v", up)
			}
			bad := []struct {
				name   string
				url    string
				body   []byte
				header map[string]string
			}{
				{"another type", up.URL, png, map[string]string{"Content-Type": "image/jpeg"}},
				{"another size", up.URL, append(png, 1), up.Headers},
				{"a tampered signature", tamper(up.URL), png, up.Headers},
			}
			for _, b := range bad {
				if resp := send(t, http.MethodPut, b.url, b.body, b.header); resp.StatusCode != http.StatusForbidden {
					t.Errorf("PUT with %s = %d, want 403", b.name, resp.StatusCode)
				}
			}
			if _, err := st.Stat(ctx, key); err != storage.ErrNotFound {
				t.Errorf("after refused uploads: Stat = %v, want ErrNotFound", err)
			}
			if resp := send(t, http.MethodPut, up.URL, png, up.Headers); resp.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("PUT as signed = %d %s", resp.StatusCode, b)
			}
			if obj, err := st.Stat(ctx, key); err != nil || obj.Size != int64(len(png)) {
				t.Errorf("Stat = %+v, %v", obj, err)
			}

			dl, err := st.PresignDownload(ctx, key, "café plan.png", "image/png", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			resp := send(t, http.MethodGet, dl, nil, nil)
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, png) {
				t.Fatalf("GET download = %d, %d bytes", resp.StatusCode, len(got))
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "caf") {
				t.Errorf("Content-Disposition = %q", cd)
			}
			if resp := send(t, http.MethodGet, tamper(dl), nil, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("GET with a tampered signature = %d, want 403", resp.StatusCode)
			}

			if err := st.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if err := st.Delete(ctx, key); err != nil {
				t.Errorf("deleting a missing object = %v, want nil", err)
			}
			if _, err := st.Open(ctx, key); err != storage.ErrNotFound {
				t.Errorf("Open after Delete = %v, want ErrNotFound", err)
			}
		})
	}
}

// tamper changes one character of the URL's signature.
func tamper(raw string) string {
	u, _ := url.Parse(raw)
	q := u.Query()
	for _, name := range []string{"sig", "X-Amz-Signature"} {
		if s := q.Get(name); s != "" {
			flip := "0"
			if s[len(s)-1] == '0' {
				flip = "1"
			}
			q.Set(name, s[:len(s)-1]+flip)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func TestValidKey(t *testing.T) {
	for key, want := range map[string]bool{
		"uploads/1/abc": true, "uploads/1/abc.thumb.png": true,
		"": false, "../etc/passwd": false, "uploads/../x": false, "/abs": false, "uploads//x": false,
		"Uploads/1/x": false, "uploads/1/x y": false, "uploads/1/..": false,
	} {
		if got := storage.ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", key, got, want)
		}
	}
}
