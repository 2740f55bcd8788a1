// Package deploy_test checks the deployment files without a Docker engine:
// the compose files through the compose-spec loader, the Dockerfile through
// BuildKit's parser, .dockerignore, the Kubernetes example, and `make rename`
// on a copy of the repository (skipped under -short).
package deploy_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// The repository root, relative to this package's directory (go test runs
// tests in the package directory).
const root = ".."

const (
	composeFile = "docker-compose.yml"
	prodFile    = "deploy/docker-compose.prod.yml"
	dockerfile  = "deploy/Dockerfile"
)

// oneShot are the services that run to completion; every other service is
// long-running and must have a healthcheck.
var oneShot = map[string]bool{"migrate": true, "s3-init": true}

// fakeEnv is the environment the compose files are interpolated with: what a
// production .env must provide (deploy/production.env.example), dummy values.
var fakeEnv = map[string]string{
	"SITE_DOMAIN": "app.example.test",
	"ACME_EMAIL":  "ops@example.test",
}

// loadCompose loads the compose files (paths relative to the repository
// root) with the compose-spec loader, the way `docker compose` merges them,
// from a copy in an .env-less directory and with fakeEnv only, so neither a
// developer's .env nor their shell can change the result. env_file entries
// are not read (SkipResolveEnvironment): Environment is what the files set.
func loadCompose(t *testing.T, files ...string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	var configs []types.ConfigFile
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
		configs = append(configs, types.ConfigFile{Filename: dst})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: configs,
		Environment: fakeEnv,
	}, func(o *loader.Options) {
		o.SetProjectName("groundwork", true)
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		t.Fatalf("compose-spec loader rejected %v: %v", files, err)
	}
	return p
}

func TestComposeDevelopment(t *testing.T) {
	p := loadCompose(t, composeFile)
	checkStack(t, p)

	// Everything the development stack publishes is on the host's loopback only.
	for name, s := range p.Services {
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("service %s publishes port %d on %q; the development stack publishes on 127.0.0.1 only",
					name, port.Target, port.HostIP)
			}
		}
	}

	// `make dev` falls back to `docker compose up -d db` and then uses the
	// DATABASE_URL of .env.example: the db service must match it.
	dbURL, err := url.Parse(readEnvFile(t, ".env.example")["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	db := service(t, p, "db")
	host, port, _ := net.SplitHostPort(dbURL.Host)
	if !slices.ContainsFunc(db.Ports, func(pc types.ServicePortConfig) bool {
		return pc.HostIP == host && pc.Published == port && pc.Target == 5432
	}) {
		t.Errorf("db must publish 5432 on %s:%s (the DATABASE_URL in .env.example); ports are %+v", host, port, db.Ports)
	}
	if got, want := env(db, "POSTGRES_DB"), strings.TrimPrefix(dbURL.Path, "/"); got != want {
		t.Errorf("db POSTGRES_DB = %q, .env.example's DATABASE_URL uses database %q", got, want)
	}
	if got := env(db, "POSTGRES_USER"); got != dbURL.User.Username() {
		t.Errorf("db POSTGRES_USER = %q, .env.example's DATABASE_URL uses user %q", got, dbURL.User.Username())
	}
	if _, hasPassword := dbURL.User.Password(); !hasPassword && env(db, "POSTGRES_HOST_AUTH_METHOD") != "trust" {
		t.Errorf("the development db must accept .env.example's password-less DATABASE_URL (POSTGRES_HOST_AUTH_METHOD=trust)")
	}

	checkAppConfig(t, p, ".env.example")
}

func TestComposeProduction(t *testing.T) {
	p := loadCompose(t, composeFile, prodFile)
	checkStack(t, p)

	a := service(t, p, "app")
	if got := env(a, "APP_ENV"); got != "production" {
		t.Errorf("production app: APP_ENV = %q, want production", got)
	}
	if _, ok := p.Services["mail"]; ok {
		t.Errorf("production runs the development mail catcher (mail service); give it a profile")
	}

	// Caddy is in front: the only service that publishes ports, on 80 and 443.
	c := service(t, p, "caddy")
	if name, _, _ := splitImage(c.Image); name != "caddy" {
		t.Errorf("the reverse proxy runs image %q, want caddy", c.Image)
	}
	for _, want := range []string{"80", "443"} {
		if !slices.ContainsFunc(c.Ports, func(pc types.ServicePortConfig) bool { return pc.Published == want }) {
			t.Errorf("caddy does not publish port %s", want)
		}
	}
	for name, s := range p.Services {
		if name != "caddy" && len(s.Ports) > 0 {
			t.Errorf("production service %s publishes %+v; only caddy may", name, s.Ports)
		}
	}
	if dep, ok := c.DependsOn["app"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("caddy must wait for app with condition service_healthy, has %+v", c.DependsOn)
	}
	caddyfile := ""
	for _, v := range c.Volumes {
		if v.Target == "/etc/caddy/Caddyfile" {
			caddyfile = v.Source
		}
	}
	if caddyfile == "" {
		t.Fatalf("caddy does not mount a Caddyfile at /etc/caddy/Caddyfile")
	}
	rel, err := filepath.Rel(p.WorkingDir, caddyfile)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatalf("caddy mounts %s: %v", rel, err)
	}
	if !regexp.MustCompile(`(?m)^\s*reverse_proxy\s+app:8080\b`).Match(b) {
		t.Errorf("%s does not reverse_proxy to app:8080", rel)
	}

	// TRUSTED_PROXIES is exactly the network Caddy and the app share, and
	// only they are on it.
	var edge []string
	for name := range c.Networks {
		if _, ok := a.Networks[name]; ok {
			for _, pool := range p.Networks[name].Ipam.Config {
				edge = append(edge, pool.Subnet)
			}
		}
	}
	if len(edge) == 0 {
		t.Errorf("caddy and app share no network with a fixed subnet, so TRUSTED_PROXIES cannot name it")
	} else if got := env(a, "TRUSTED_PROXIES"); got != strings.Join(edge, ",") {
		t.Errorf("app TRUSTED_PROXIES = %q, want the edge network %q", got, strings.Join(edge, ","))
	}
	for name, s := range p.Services {
		for network := range s.Networks {
			if p.Networks[network].Ipam.Config != nil && name != "app" && name != "caddy" {
				t.Errorf("service %s is on the edge network %s; its X-Forwarded-For would be trusted", name, network)
			}
		}
	}

	db := service(t, p, "db")
	if got := env(db, "POSTGRES_HOST_AUTH_METHOD"); got == "trust" || got == "" {
		t.Errorf("production db: POSTGRES_HOST_AUTH_METHOD = %q, want a password method", got)
	}
	checkSecretFile(t, p, db, "POSTGRES_PASSWORD")

	checkAppConfig(t, p, "deploy/production.env.example")
}

// service returns the named service of p or fails the test.
func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("no %s service (services: %v)", name, p.ServiceNames())
	}
	return s
}

// env returns the value s's environment sets for key ("" if unset).
func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// splitImage splits an image reference into name, tag and digest.
func splitImage(ref string) (name, tag, digest string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:], digest
	}
	return ref, "", digest
}

// duration parses s, or returns def when s is empty.
func duration(t *testing.T, s string, def time.Duration) time.Duration {
	t.Helper()
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration %q: %v", s, err)
	}
	return d
}

// readEnvFile reads KEY=value lines (the .env format of .env.example).
func readEnvFile(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			vars[strings.TrimPrefix(k, "export ")] = v
		}
	}
	return vars
}
