// Package storagetest starts a real, signature-checking S3 server for
// tests: versitygw (github.com/versity/versitygw, Apache 2.0) with a posix
// backend in a temporary directory. `make s3-server` builds the pinned
// version into tmp/bin; the tests find it there, or through VERSITYGW.
// Without it they skip, except under CI, where a missing server fails.
package storagetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
)

// binary finds versitygw: $VERSITYGW, tmp/bin/versitygw at the module
// root, or the PATH.
func binary() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
	if p := filepath.Join(root, "tmp", "bin", "versitygw"); isFile(p) {
		return p
	}
	p, _ := exec.LookPath("versitygw")
	return p
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// skipReason is logged when versitygw is missing.
const skipReason = "storagetest: no S3 test server: run `make s3-server` (builds versitygw into tmp/bin) to run the S3 tests"

// S3 starts versitygw for the test and returns the configuration of a
// fresh bucket on it; the server stops when the test ends. Without the
// binary it skips the test (fails it under CI).
func S3(t testing.TB) storage.S3Config {
	t.Helper()
	cfg, ok := MaybeS3(t)
	if !ok {
		t.Skip(skipReason)
	}
	return cfg
}

// MaybeS3 is S3 for tests that run other drivers too: without the binary
// it logs why and returns false (under CI it fails the test).
func MaybeS3(t testing.TB) (storage.S3Config, bool) {
	t.Helper()
	bin := binary()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("storagetest: versitygw not found; CI must build it (make s3-server)")
		}
		t.Log(skipReason)
		return storage.S3Config{}, false
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, meta := t.TempDir(), t.TempDir()
	access, secret := "test"+rand.Text()[:8], rand.Text()
	cmd := exec.Command(bin, "--access", access, "--secret", secret, "--port", addr, "posix", "--sidecar", meta, dir)
	if err := cmd.Start(); err != nil {
		t.Fatalf("storagetest: start versitygw: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	cfg := storage.S3Config{Endpoint: &url.URL{Scheme: "http", Host: addr}, Region: "us-east-1", Bucket: "groundwork-test", AccessKey: access, SecretKey: secret}
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Region: cfg.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		cancel()
		if err == nil {
			return cfg, true
		}
		if time.Now().After(deadline) {
			t.Fatalf("storagetest: versitygw did not come up: %v", fmt.Errorf("make bucket: %w", err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
