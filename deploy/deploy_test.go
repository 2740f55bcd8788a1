// Package deploy_test checks the deployment files without a Docker engine:
// the compose files through the compose-spec loader, the Dockerfile through
// BuildKit's parser, .dockerignore, the Kubernetes example, and `make rename`
// on a copy of the repository (skipped under -short).
package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	yaml "go.yaml.in/yaml/v4"
	"golang.org/x/mod/modfile"

	"github.com/groundwork-dev/groundwork/internal/app"
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

// checkStack holds for the development stack and for production.
func checkStack(t *testing.T, p *types.Project) {
	t.Helper()
	for name, s := range p.Services {
		// Images are pinned: an explicit tag that is a version (not latest),
		// or a digest. The app's own image is built from deploy/Dockerfile.
		img, tag, digest := splitImage(s.Image)
		switch {
		case s.Image == "":
			t.Errorf("service %s has no image", name)
		case digest != "":
		case tag == "" || strings.Contains(tag, "latest"):
			t.Errorf("service %s: image %q is not pinned (no tag or latest)", name, s.Image)
		case s.Build == nil && !regexp.MustCompile(`[0-9]`).MatchString(tag):
			t.Errorf("service %s: image %s:%s is not an exact version", name, img, tag)
		}

		if oneShot[name] {
			if s.Restart != types.RestartPolicyNo {
				t.Errorf("one-shot service %s: restart %q, want \"no\"", name, s.Restart)
			}
			continue
		}
		hc := s.HealthCheck
		if hc == nil || hc.Disable || len(hc.Test) < 2 || (hc.Test[0] != "CMD" && hc.Test[0] != "CMD-SHELL") {
			t.Errorf("long-running service %s has no healthcheck", name)
		}
		if s.Restart == "" || s.Restart == types.RestartPolicyNo {
			t.Errorf("long-running service %s: restart %q; want unless-stopped or always", name, s.Restart)
		}
	}
	// `docker compose up --wait` fails on an exited container unless some
	// service waits for it to complete successfully.
	for name := range oneShot {
		service(t, p, name)
		if !slices.ContainsFunc(p.ServiceNames(), func(other string) bool {
			return p.Services[other].DependsOn[name].Condition == types.ServiceConditionCompletedSuccessfully
		}) {
			t.Errorf("no service depends on one-shot %s with service_completed_successfully; `up --wait` would fail", name)
		}
	}

	a := service(t, p, "app")
	for dep, cond := range map[string]string{
		"migrate": types.ServiceConditionCompletedSuccessfully,
		"db":      types.ServiceConditionHealthy,
	} {
		if got := a.DependsOn[dep].Condition; got != cond {
			t.Errorf("app depends on %s with condition %q, want %q", dep, got, cond)
		}
	}
	// The worker runs the jobs the app enqueues: the same image, `worker`,
	// after the migrations, checked through `app healthcheck worker`; the
	// app does not run them in-process.
	w := service(t, p, "worker")
	if !slices.Equal(w.Command, types.ShellCommand{"worker"}) || w.Image != a.Image {
		t.Errorf("worker must run `worker` (%q) in the app's image %q (has %q)", w.Command, a.Image, w.Image)
	}
	if got := w.DependsOn["migrate"].Condition; got != types.ServiceConditionCompletedSuccessfully {
		t.Errorf("worker depends on migrate with condition %q, want service_completed_successfully", got)
	}
	if hc := w.HealthCheck; hc == nil || !slices.Equal(hc.Test, types.HealthCheckTest{"CMD", "/app", "healthcheck", "worker"}) {
		t.Errorf("worker healthcheck = %+v, want /app healthcheck worker", w.HealthCheck)
	}
	if got := env(a, "JOBS_IN_PROCESS"); got != "false" {
		t.Errorf("app JOBS_IN_PROCESS = %q, want false (the worker service runs the jobs)", got)
	}
	if w.StopGracePeriod == nil || time.Duration(*w.StopGracePeriod) < 20*time.Second {
		t.Errorf("worker stop_grace_period = %v, want at least twice JOBS_SOFT_STOP_TIMEOUT (20s)", w.StopGracePeriod)
	}

	m := service(t, p, "migrate")
	if got := m.DependsOn["db"].Condition; got != types.ServiceConditionHealthy {
		t.Errorf("migrate depends on db with condition %q, want service_healthy", got)
	}
	if !slices.Equal(m.Command, types.ShellCommand{"migrate", "up"}) || m.Image != a.Image {
		t.Errorf("migrate must run `migrate up` (%q) in the app's image %q (has %q)", m.Command, a.Image, m.Image)
	}

	// Every variable the app requires, given directly or as a secret file.
	for _, s := range []types.ServiceConfig{a, m} {
		for _, v := range []string{"DATABASE_URL", "SECRET_KEY"} {
			checkSecretFile(t, p, s, v)
		}
	}

	// Docker stops a container with SIGKILL after stop_grace_period (default
	// 10 s): the app needs SHUTDOWN_DRAIN_DELAY + SHUTDOWN_TIMEOUT.
	drain := duration(t, env(a, "SHUTDOWN_DRAIN_DELAY"), 5*time.Second)
	timeout := duration(t, env(a, "SHUTDOWN_TIMEOUT"), 15*time.Second)
	if a.StopGracePeriod == nil || time.Duration(*a.StopGracePeriod) <= drain+timeout {
		t.Errorf("app stop_grace_period %v must exceed drain %v + timeout %v", a.StopGracePeriod, drain, timeout)
	}

	// Secrets are files (kept out of git and out of the image), never inline.
	for name, sec := range p.Secrets {
		if sec.Content != "" {
			t.Errorf("secret %s is written inline (content:)", name)
		}
		if sec.File == "" && sec.Environment == "" && !sec.External {
			t.Errorf("secret %s has no file", name)
		}
		if sec.File != "" {
			rel, _ := filepath.Rel(p.WorkingDir, sec.File)
			if filepath.Dir(rel) != filepath.Join("deploy", "secrets") {
				t.Errorf("secret %s is read from %s; keep secret files in deploy/secrets/ (git- and docker-ignored)", name, rel)
			}
		}
	}
}

// checkSecretFile asserts that service s gets variable v either directly or
// as v_FILE naming a secret mounted into s, not both.
func checkSecretFile(t *testing.T, p *types.Project, s types.ServiceConfig, v string) {
	t.Helper()
	direct, file := env(s, v), env(s, v+"_FILE")
	switch {
	case direct != "" && file != "":
		t.Errorf("service %s sets both %s and %s_FILE (the app refuses that)", s.Name, v, v)
	case file != "":
		if _, ok := mountedSecret(p, s, file); !ok {
			t.Errorf("service %s: %s_FILE=%s is not a secret mounted into it", s.Name, v, file)
		}
	case direct == "":
		t.Errorf("service %s gets neither %s nor %s_FILE", s.Name, v, v)
	}
}

// mountedSecret returns the name of the secret s mounts at path.
func mountedSecret(p *types.Project, s types.ServiceConfig, path string) (string, bool) {
	for _, sec := range s.Secrets {
		target := sec.Target
		if target == "" {
			target = "/run/secrets/" + sec.Source
		} else if !strings.HasPrefix(target, "/") {
			target = "/run/secrets/" + target
		}
		if _, defined := p.Secrets[sec.Source]; target == path && defined {
			return sec.Source, true
		}
	}
	return "", false
}

// checkAppConfig runs the app's own configuration loader on the environment
// the app service gets (envFile as .env, then the service's environment on
// top, as compose does) with dummy secret files: the stack's configuration
// must pass every check, production refusals included.
func checkAppConfig(t *testing.T, p *types.Project, envFile string) {
	t.Helper()
	a := service(t, p, "app")
	vars := readEnvFile(t, envFile)
	for k, v := range a.Environment {
		if v != nil {
			vars[k] = *v
		}
	}
	dir := t.TempDir()
	dummy := map[string]string{
		"database_url":      "postgres://postgres:dummy@db:5432/groundwork?sslmode=disable",
		"secret_key":        "0123456789abcdef0123456789abcdef-dummy",
		"smtp_url":          "smtp://user:pass@mail.example.test:587",
		"postgres_password": "dummy",
		"s3_access_key":     "dummy",
		"s3_secret_key":     "dummy",
	}
	var environ []string
	for k, v := range vars {
		if strings.HasSuffix(k, "_FILE") && strings.HasPrefix(v, "/run/secrets/") {
			name, ok := mountedSecret(p, a, v)
			if !ok {
				t.Errorf("app: %s=%s is not a mounted secret", k, v)
				continue
			}
			v = filepath.Join(dir, name)
			if err := os.WriteFile(v, []byte(dummy[name]+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		environ = append(environ, k+"="+v)
	}
	if _, err := app.LoadConfig(environ); err != nil {
		t.Errorf("the app refuses the configuration compose gives it (with %s as .env):\n%v", envFile, err)
	}
}

// secretName matches variable names whose values are secrets.
var secretName = regexp.MustCompile(`(?i)PASSWORD|PASSWD|SECRET|KEY|TOKEN|CREDENTIAL`)

// reference is a value that only refers to a variable, without a default
// that could hold a literal: ${VAR}, ${VAR:?message}, ${VAR?message}.
var reference = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$`)

// userinfoPassword finds a password in a URL (scheme://user:password@host).
var userinfoPassword = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`)

// TestComposeNoSecretValues scans the files as written (before
// interpolation) for secret values: secret-named variables must be empty,
// a ${VAR} reference or a NAME_FILE path under /run/secrets/; no URL carries
// a password.
func TestComposeNoSecretValues(t *testing.T) {
	for _, f := range []string{composeFile, prodFile} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		checked := 0
		walkYAML(&doc, "", func(path, key, value string) {
			checked++
			if m := userinfoPassword.FindStringSubmatch(value); m != nil && !reference.MatchString(m[1]) {
				t.Errorf("%s: %s holds a URL with a password", f, path)
			}
			if key == "" || !secretName.MatchString(key) {
				return
			}
			if strings.HasSuffix(key, "_FILE") {
				if !strings.HasPrefix(value, "/run/secrets/") {
					t.Errorf("%s: %s=%q: a secret file must be mounted under /run/secrets/", f, path, value)
				}
				return
			}
			if value != "" && !reference.MatchString(value) {
				t.Errorf("%s: %s has a secret value written in the file; use %s_FILE and a secret", f, path, key)
			}
		})
		if checked == 0 {
			t.Errorf("%s: found no environment to check", f)
		}
	}
}

// walkYAML calls fn for every scalar under an environment, build args or
// labels mapping (key = the variable name) or list ("KEY=value" items), and
// with an empty key for every other scalar.
func walkYAML(n *yaml.Node, path string, fn func(path, key, value string)) {
	parent := path[strings.LastIndex(path, ".")+1:]
	envLike := parent == "environment" || parent == "args" || parent == "labels"
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkYAML(c, path, fn)
		}
	case yaml.AliasNode:
		// The anchor's own walk covers it.
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := strings.TrimPrefix(path+"."+k.Value, ".")
			if envLike && v.Kind == yaml.ScalarNode {
				fn(p, k.Value, v.Value)
				continue
			}
			walkYAML(v, p, fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if envLike && c.Kind == yaml.ScalarNode {
				k, v, _ := strings.Cut(c.Value, "=")
				fn(p, k, v)
				continue
			}
			walkYAML(c, p, fn)
		}
	case yaml.ScalarNode:
		fn(path, "", n.Value)
	}
}

func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(root, dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("BuildKit parser: %v", err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatalf("BuildKit instructions: %v", err)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stage(s); want a multi-stage build", len(stages))
	}
	args := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				args[kv.Key] = *kv.Value
			}
		}
	}
	expand := func(s string) (string, error) {
		return os.Expand(s, func(k string) string { return args[k] }), nil
	}

	// Bases: earlier stages, or images pinned to a version (distroless tags
	// name variants, so they only must not be latest).
	var names []string
	for _, st := range stages {
		base, _ := expand(st.BaseName)
		if !slices.Contains(names, base) {
			img, tag, digest := splitImage(base)
			switch {
			case digest != "":
			case tag == "" || strings.Contains(tag, "latest"):
				t.Errorf("FROM %s is not pinned (no tag or latest)", st.BaseName)
			case !strings.HasPrefix(img, "gcr.io/distroless/") && !regexp.MustCompile(`[0-9]`).MatchString(tag):
				t.Errorf("FROM %s is not an exact version", base)
			}
		}
		names = append(names, st.Name)

		for _, cmd := range st.Commands {
			if add, ok := cmd.(*instructions.AddCommand); ok {
				for _, src := range add.SourcePaths {
					if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
						t.Errorf("ADD %s fetches from the network; download in a RUN with a checksum, or COPY", src)
					}
				}
			}
		}
	}

	module := modulePath(t, root)
	var goBuild, npmCI bool
	for _, st := range stages {
		for _, cmd := range st.Commands {
			run, ok := cmd.(*instructions.RunCommand)
			if !ok {
				continue
			}
			if err := run.Expand(expand); err != nil {
				t.Fatal(err)
			}
			line := strings.Join(run.CmdLine, " ")
			if strings.Contains(line, "npm ci") {
				npmCI = true
			}
			if !strings.Contains(line, "go build") {
				continue
			}
			goBuild = true
			for _, want := range []string{"-trimpath", "-s -w", "-X " + module + "/internal/app.version=${VERSION}", "./cmd/app"} {
				if !strings.Contains(line, want) {
					t.Errorf("the go build does not use %q: %s", want, line)
				}
			}
			if !strings.Contains(line, "CGO_ENABLED=0") && !stageEnv(st, "CGO_ENABLED", "0") {
				t.Errorf("the go build does not set CGO_ENABLED=0 (the final image has no libc)")
			}
			var targets []string
			for _, m := range instructions.GetMounts(run) {
				if m.Type == instructions.MountTypeCache {
					targets = append(targets, m.Target)
				}
			}
			for _, want := range []string{"/go/pkg/mod", "/root/.cache/go-build"} {
				if !slices.Contains(targets, want) {
					t.Errorf("the go build has no cache mount for %s (has %v)", want, targets)
				}
			}
		}
	}
	if !goBuild || !npmCI {
		t.Errorf("want a stage running `npm ci` (assets from the lockfile) and one running `go build`; npm ci %v, go build %v", npmCI, goBuild)
	}

	final := stages[len(stages)-1]
	var user string
	var health *instructions.HealthCheckCommand
	var entrypoint, cmdline []string
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				t.Errorf("ENTRYPOINT must use the exec form: the final image has no shell")
			}
			entrypoint = c.CmdLine
		case *instructions.CmdCommand:
			cmdline = c.CmdLine
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the final stage runs as %q; want a non-root USER", user)
	}
	if len(entrypoint) != 1 || !slices.Equal(cmdline, []string{"serve"}) {
		t.Errorf("want ENTRYPOINT [binary] and CMD [\"serve\"], have %q %q", entrypoint, cmdline)
	}
	binary := "/app"
	if len(entrypoint) > 0 {
		binary = entrypoint[0]
	}
	if health == nil {
		t.Errorf("the final stage has no HEALTHCHECK")
	} else if test := health.Health.Test; !slices.Equal(test, []string{"CMD", binary, "healthcheck"}) {
		t.Errorf("HEALTHCHECK runs %q; want the exec form [\"CMD\", %q, \"healthcheck\"] (no shell in the image)", test, binary)
	}
}

// stageEnv reports whether an ENV in st sets key to value.
func stageEnv(st instructions.Stage, key, value string) bool {
	for _, cmd := range st.Commands {
		if e, ok := cmd.(*instructions.EnvCommand); ok {
			for _, kv := range e.Env {
				if kv.Key == key && kv.Value == value {
					return true
				}
			}
		}
	}
	return false
}

func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{".git", ".git/config", "web/node_modules/htmx.org/package.json", "tmp", "tmp/postgres/data",
		".env", "deploy/secrets/secret_key", "bin/app", "web/static/dist/htmx.min.js"} {
		if ok, err := pm.MatchesOrParentMatches(path); err != nil || !ok {
			t.Errorf(".dockerignore does not exclude %s", path)
		}
	}
	for _, path := range []string{"go.mod", "go.sum", "cmd/app/main.go", "web/package-lock.json", "web/static/css/app.css",
		"migrations/embed.go"} {
		if ok, _ := pm.MatchesOrParentMatches(path); ok {
			t.Errorf(".dockerignore excludes %s, which the build needs", path)
		}
	}
}

func TestKubernetesExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "deploy/k8s/groundwork.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type probe struct {
		HTTPGet struct {
			Path string
		} `yaml:"httpGet"`
		TimeoutSeconds int `yaml:"timeoutSeconds"`
	}
	type object struct {
		Kind     string
		Metadata struct{ Name string }
		Data     map[string]string
		Spec     struct {
			Template struct {
				Spec struct {
					TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
					SecurityContext               struct {
						RunAsNonRoot bool `yaml:"runAsNonRoot"`
					} `yaml:"securityContext"`
					Containers []struct {
						Image          string
						Args           []string
						LivenessProbe  *probe `yaml:"livenessProbe"`
						ReadinessProbe *probe `yaml:"readinessProbe"`
						Lifecycle      struct {
							PreStop struct {
								Sleep struct{ Seconds int }
							} `yaml:"preStop"`
						}
					}
				}
			}
		}
	}
	var config map[string]string
	var deployments []object
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o object
		if err := dec.Decode(&o); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		switch o.Kind {
		case "ConfigMap":
			config = o.Data
		case "Deployment":
			deployments = append(deployments, o)
		}
	}
	// The web Deployment and the worker's, one container each.
	if len(deployments) != 2 || len(deployments[0].Spec.Template.Spec.Containers) != 1 || len(deployments[1].Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want two Deployments (web, worker) with one container each")
	}
	w := deployments[1].Spec.Template.Spec
	if wc := w.Containers[0]; !slices.Equal(wc.Args, []string{"worker"}) || wc.Image != deployments[0].Spec.Template.Spec.Containers[0].Image ||
		wc.ReadinessProbe == nil || wc.ReadinessProbe.HTTPGet.Path != "/ready" || wc.LivenessProbe == nil || wc.LivenessProbe.HTTPGet.Path != "/health" {
		t.Errorf("the worker Deployment must run `worker` in the app's image with /health and /ready probes")
	}
	if w.TerminationGracePeriodSeconds < 20 || !w.SecurityContext.RunAsNonRoot {
		t.Errorf("the worker pod: terminationGracePeriodSeconds %d (want ≥ 20, twice the soft stop), runAsNonRoot %v",
			w.TerminationGracePeriodSeconds, w.SecurityContext.RunAsNonRoot)
	}
	pod := deployments[0].Spec.Template.Spec
	c := pod.Containers[0]
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/health" {
		t.Errorf("the liveness probe must GET /health (never the database)")
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/ready" {
		t.Errorf("the readiness probe must GET /ready")
	}
	drain := duration(t, config["SHUTDOWN_DRAIN_DELAY"], 5*time.Second)
	timeout := duration(t, config["SHUTDOWN_TIMEOUT"], 15*time.Second)
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	if preStop != drain {
		t.Errorf("preStop sleep %v should match SHUTDOWN_DRAIN_DELAY %v", preStop, drain)
	}
	if grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second; grace <= preStop+drain+timeout {
		t.Errorf("terminationGracePeriodSeconds %v must exceed preStop %v + drain %v + timeout %v", grace, preStop, drain, timeout)
	}
	if !pod.SecurityContext.RunAsNonRoot {
		t.Errorf("the pod should set runAsNonRoot")
	}
	if _, tag, _ := splitImage(c.Image); tag == "" || strings.Contains(tag, "latest") {
		t.Errorf("the Deployment's image %q is not pinned", c.Image)
	}
}

// TestMakeRename runs `make rename` on a copy of the repository, then builds
// and vets the copy and looks for the old module path.
func TestMakeRename(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a renamed copy of the repository (-short)")
	}
	for _, tool := range []string{"make", "go", "grep", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	old := modulePath(t, root)
	module := "example.com/acme/shop"
	if old == module {
		module = "example.com/acme/store"
	}
	dir := copyRepository(t)

	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		// A clean make, even when the tests run under `make test`.
		cmd.Env = append(os.Environ(), "MAKEFLAGS=", "MAKELEVEL=", "MFLAGS=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	for _, bad := range []string{"", old, "not a path", "a/b|c", "/leading/slash"} {
		if out, err := run("make", "rename", "MODULE="+bad); err == nil {
			t.Errorf("make rename MODULE=%q succeeded; want a refusal:\n%s", bad, out)
		}
	}
	if got := modulePath(t, dir); got != old {
		t.Fatalf("a refused rename changed go.mod to %q", got)
	}

	if out, err := run("make", "rename", "MODULE="+module); err != nil {
		t.Fatalf("make rename MODULE=%s: %v\n%s", module, err, out)
	}
	if got := modulePath(t, dir); got != module {
		t.Errorf("after make rename, go.mod says module %q, want %q", got, module)
	}
	if out, err := run("go", "build", "./..."); err != nil {
		t.Fatalf("go build ./... in the renamed copy: %v\n%s", err, out)
	}
	if out, err := run("go", "vet", "./..."); err != nil {
		t.Fatalf("go vet ./... in the renamed copy: %v\n%s", err, out)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(old)) {
			rel, _ := filepath.Rel(dir, path)
			t.Errorf("%s still contains %s", rel, old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run("make", "rename", "MODULE="+module); err == nil {
		t.Errorf("a second make rename to the same module succeeded:\n%s", out)
	}
}

// copyRepository copies the repository's files (tracked and untracked, not
// git-ignored; without .git) into a temporary directory, plus the built
// web/static/dist if present.
func copyRepository(t *testing.T) string {
	t.Helper()
	var files []string
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
	} else {
		// Not a git checkout: everything but build output and dependencies.
		skip := []string{".git", "tmp", "bin", "web/node_modules", "deploy/secrets"}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() && slices.Contains(skip, filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if dist, err := os.ReadDir(filepath.Join(root, "web/static/dist")); err == nil {
		for _, e := range dist {
			files = append(files, filepath.Join("web/static/dist", e.Name()))
		}
	}
	dir := t.TempDir()
	for _, f := range files {
		src := filepath.Join(root, f)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or not a regular file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
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

// modulePath reads the module path from dir/go.mod.
func modulePath(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	return modfile.ModulePath(b)
}
