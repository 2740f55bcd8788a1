package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/groundwork-dev/groundwork/internal/app"
)

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
