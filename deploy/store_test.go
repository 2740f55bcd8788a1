package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/platform/storage/storagetest"
)

// TestComposeObjectStore checks how the object store is wired in both
// stacks: s3-init is the app's own `storage setup` with the app's store
// settings, app and worker wait for it, and in production browsers reach
// the store through Caddy at s3.SITE_DOMAIN, with s3-init allowing the
// site's origin (CORS).
func TestComposeObjectStore(t *testing.T) {
	for _, files := range [][]string{{composeFile}, {composeFile, prodFile}} {
		p := loadCompose(t, files...)
		app, initSvc := service(t, p, "app"), service(t, p, "s3-init")
		if initSvc.Image != app.Image || !slices.Equal(initSvc.Command, []string{"storage", "setup"}) {
			t.Errorf("%v: s3-init runs %s %v, want the app image with storage setup", files, initSvc.Image, initSvc.Command)
		}
		for _, k := range []string{"STORAGE_DRIVER", "S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_FILE", "S3_SECRET_KEY_FILE"} {
			if env(initSvc, k) != env(app, k) || env(service(t, p, "worker"), k) != env(app, k) {
				t.Errorf("%v: %s differs between app, worker and s3-init", files, k)
			}
		}
		for _, name := range []string{"app", "worker"} {
			if dep, ok := service(t, p, name).DependsOn["s3-init"]; !ok || dep.Condition != "service_completed_successfully" {
				t.Errorf("%v: %s must wait for s3-init to complete", files, name)
			}
		}
		if len(files) == 2 {
			if env(initSvc, "BASE_URL") != env(app, "BASE_URL") {
				t.Errorf("production s3-init allows %q to upload, the app is at %q", env(initSvc, "BASE_URL"), env(app, "BASE_URL"))
			}
			if got := env(app, "S3_PUBLIC_ENDPOINT"); got != "https://s3."+fakeEnv["SITE_DOMAIN"] {
				t.Errorf("production S3_PUBLIC_ENDPOINT = %q, want the store's site in the Caddyfile", got)
			}
			shared := false
			for n := range service(t, p, "caddy").Networks {
				_, ok := service(t, p, "s3").Networks[n]
				shared = shared || ok
			}
			if !shared {
				t.Errorf("caddy and s3 share no network: Caddy cannot reach the store")
			}
		}
	}
}

// TestCaddyServesTheStore runs the production Caddyfile's store site with
// Debian's caddy in front of a real S3 server (only the listen address and
// the upstream change): a presigned upload and download pass through with
// their signatures intact, a download carries the headers S3 cannot set
// (nosniff, a sandbox CSP), and a tampered URL is refused by the store.
func TestCaddyServesTheStore(t *testing.T) {
	bin, err := exec.LookPath("caddy")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("caddy not found; .ci/run installs Debian's caddy")
		}
		t.Skip("caddy not installed (apt install caddy): the Caddyfile's store site is not run")
	}
	cfg := storagetest.S3(t)
	const site = "s3.app.example.test"
	addr := caddyStoreSite(t, bin, site, cfg.Endpoint.Host)
	public, _ := url.Parse("http://" + site + ":" + strconv.Itoa(addr.Port))
	cfg.PublicEndpoint = public
	st, err := storage.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Every request goes to Caddy, whatever the URL's host says.
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr.String())
	}}}
	ctx := t.Context()
	body := []byte("%PDF-1.7 a small pdf")
	up, err := st.PresignUpload(ctx, "uploads/1/caddy", "application/pdf", int64(len(body)), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp := do(t, client, http.MethodPut, up.URL, body, up.Headers); resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT through Caddy: %d", resp.StatusCode)
	}
	dl, err := st.PresignDownload(ctx, "uploads/1/caddy", "report.pdf", "application/pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp := do(t, client, http.MethodGet, dl, nil, nil)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("download through Caddy: %d, headers %v", resp.StatusCode, h)
	}
	tampered := strings.Replace(dl, "caddy", "caddz", 1)
	if resp := do(t, client, http.MethodGet, tampered, nil, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("tampered download URL: %d, want 403 from the store", resp.StatusCode)
	}
}

// caddyStoreSite starts caddy with the Caddyfile's route for site, listening
// on loopback without TLS and proxying to upstream, and returns its address.
func caddyStoreSite(t *testing.T, bin, site, upstream string) *net.TCPAddr {
	t.Helper()
	cmd := exec.Command(bin, "adapt", "--config", filepath.Join(root, "deploy", "Caddyfile"))
	cmd.Env = append(os.Environ(), "SITE_DOMAIN=app.example.test", "ACME_EMAIL=ops@example.test")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("caddy adapt deploy/Caddyfile: %v", err)
	}
	var adapted struct {
		Apps struct {
			HTTP struct {
				Servers map[string]struct{ Routes []map[string]any }
			}
		}
	}
	if err := json.Unmarshal(out, &adapted); err != nil {
		t.Fatal(err)
	}
	var route map[string]any
	for _, srv := range adapted.Apps.HTTP.Servers {
		for _, r := range srv.Routes {
			if b, _ := json.Marshal(r["match"]); bytes.Contains(b, []byte(`"`+site+`"`)) {
				route = r
			}
		}
	}
	if route == nil {
		t.Fatalf("deploy/Caddyfile has no site for %s", site)
	}
	b, _ := json.Marshal(route)
	b = bytes.ReplaceAll(b, []byte(`"s3:7070"`), []byte(`"`+upstream+`"`))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	conf := `{"admin":{"disabled":true},"apps":{"http":{"servers":{"store":{"listen":["` + addr.String() +
		`"],"automatic_https":{"disable":true},"routes":[` + string(b) + `]}}}}}`
	file := filepath.Join(t.TempDir(), "caddy.json")
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	run := exec.Command(bin, "run", "--config", file)
	run.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Process.Kill(); _ = run.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr.String()); err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatal("caddy did not start listening")
		}
	}
}

func do(t *testing.T, c *http.Client, method, u string, body []byte, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
