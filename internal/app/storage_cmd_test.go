package app

import (
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/platform/storage/storagetest"
)

// TestStorageSetupCommand runs `app storage setup` as compose's s3-init
// does: on a real store it creates the bucket and lets BASE_URL's pages
// upload (the browser's preflight is answered for that origin only).
func TestStorageSetupCommand(t *testing.T) {
	for _, args := range [][]string{{"storage"}, {"storage", "create"}, {"storage", "setup", "now"}} {
		if _, err := run(t, nil, args...); !errors.Is(err, errUsage) {
			t.Errorf("%v = %v, want a usage error", args, err)
		}
	}
	if out, err := run(t, nil, "storage", "setup"); err != nil || !strings.Contains(out, "local driver needs no setup") {
		t.Errorf("local driver: %q, %v", out, err)
	}
	if _, err := run(t, map[string]string{"STORAGE_DRIVER": "s3", "S3_BUCKET": "b"}, "storage", "setup"); err == nil || !strings.Contains(err.Error(), errS3Incomplete) {
		t.Errorf("incomplete S3 settings: %v", err)
	}

	cfg := storagetest.S3(t)
	cfg.Bucket = "made-by-setup"
	env := map[string]string{
		"STORAGE_DRIVER": "s3", "S3_ENDPOINT": cfg.Endpoint.String(), "S3_REGION": cfg.Region, "S3_BUCKET": cfg.Bucket,
		"S3_ACCESS_KEY": cfg.AccessKey, "S3_SECRET_KEY": cfg.SecretKey, "BASE_URL": "https://app.example/",
	}
	badBase := maps.Clone(env)
	badBase["BASE_URL"] = "app.example"
	if _, err := run(t, badBase, "storage", "setup"); err == nil || !strings.Contains(err.Error(), "BASE_URL must be an absolute http(s) URL") {
		t.Errorf("storage setup with a relative BASE_URL: %v, want the BASE_URL problem", err)
	}
	wrongKey := maps.Clone(env)
	wrongKey["S3_SECRET_KEY"] = "not-the-secret"
	if _, err := run(t, wrongKey, "storage", "setup"); err == nil || !strings.Contains(err.Error(), "storage: s3 setup") {
		t.Errorf("storage setup with a wrong key: %v, want the store's refusal", err)
	}
	out, err := run(t, env, "storage", "setup")
	if err != nil || !strings.Contains(out, "bucket made-by-setup ready; browsers at https://app.example may upload") {
		t.Fatalf("storage setup: %q, %v", out, err)
	}
	st, err := storage.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	up, err := st.PresignUpload(t.Context(), "uploads/1/x", "image/png", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, up.URL, nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example" {
		t.Errorf("preflight after setup: %d, Access-Control-Allow-Origin %q", resp.StatusCode, got)
	}
}
