package storage_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/platform/storage/storagetest"
)

// TestS3SetupLetsTheAppOriginUpload checks `app storage setup` on a real
// store: a missing bucket is created, running it twice is fine, and the
// browser's cross-origin upload is allowed for the app's origin only
// (the preflight and the PUT itself), which is what the upload page needs.
func TestS3SetupLetsTheAppOriginUpload(t *testing.T) {
	ctx := context.Background()
	cfg := storagetest.S3(t)
	cfg.Bucket = "groundwork-setup" // not made by storagetest: Setup creates it
	st, err := storage.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const appOrigin = "http://app.test:8080"
	for range 2 {
		if err := st.Setup(ctx, []string{appOrigin}); err != nil {
			t.Fatal(err)
		}
	}
	up, err := st.PresignUpload(ctx, "uploads/1/setup", "application/pdf", 5, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		origin string
		want   string // Access-Control-Allow-Origin on the preflight
	}{{appOrigin, appOrigin}, {"http://evil.test", ""}} {
		pre := send(t, http.MethodOptions, up.URL, nil, map[string]string{
			"Origin": tc.origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type",
		})
		if got := pre.Header.Get("Access-Control-Allow-Origin"); got != tc.want {
			t.Errorf("preflight from %s: status %d, Access-Control-Allow-Origin %q, want %q", tc.origin, pre.StatusCode, got, tc.want)
		}
	}
	put := send(t, http.MethodPut, up.URL, []byte("%PDF-"), map[string]string{"Content-Type": "application/pdf", "Origin": appOrigin})
	if put.StatusCode != http.StatusOK || put.Header.Get("Access-Control-Allow-Origin") != appOrigin {
		t.Fatalf("PUT from the app origin: %d, Access-Control-Allow-Origin %q", put.StatusCode, put.Header.Get("Access-Control-Allow-Origin"))
	}
	rc, err := st.Open(ctx, "uploads/1/setup")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got bytes.Buffer
	_, _ = got.ReadFrom(rc)
	if got.String() != "%PDF-" {
		t.Errorf("stored %q", got.String())
	}
}
