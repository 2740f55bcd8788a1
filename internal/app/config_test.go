package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testSecret = "0123456789abcdef0123456789abcdef-test"

func environ(kv map[string]string) []string {
	out := make([]string, 0, len(kv))
	for k, v := range kv {
		out = append(out, k+"="+v)
	}
	return out
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(environ(map[string]string{
		"DATABASE_URL": "postgres://localhost/app",
		"SECRET_KEY":   testSecret,
	}))
	if err != nil {
		t.Fatalf("LoadConfig = %v", err)
	}
	got := map[string]any{
		"env": cfg.Env, "addr": cfg.HTTPAddr, "base": cfg.BaseURL.String(),
		"maxconns": cfg.Database.MaxConns, "migrate": cfg.MigrateOnStartOrDefault(),
		"level": cfg.Log.Level, "format": cfg.Log.Format, "drain": cfg.ShutdownDrainDelay,
		"timeout": cfg.ShutdownTimeout, "admin": cfg.AdminAddr, "secure": cfg.SecureCookies(),
	}
	want := map[string]any{
		"env": "development", "addr": ":8080", "base": "http://localhost:8080",
		"maxconns": int32(10), "migrate": true,
		"level": "info", "format": "json", "drain": 5 * time.Second,
		"timeout": 15 * time.Second, "admin": "127.0.0.1:9090", "secure": false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestMigrateOnStartDefaultDependsOnEnv(t *testing.T) {
	for env, want := range map[string]bool{"development": true, "test": false} {
		cfg, err := LoadConfig(environ(map[string]string{
			"APP_ENV": env, "DATABASE_URL": "postgres://x/y", "SECRET_KEY": testSecret,
		}))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.MigrateOnStartOrDefault(); got != want {
			t.Errorf("APP_ENV=%s: MigrateOnStart = %v, want %v", env, got, want)
		}
	}
	cfg, err := LoadConfig(environ(map[string]string{
		"APP_ENV": "test", "MIGRATE_ON_START": "true", "DATABASE_URL": "postgres://x/y", "SECRET_KEY": testSecret,
	}))
	if err != nil || !cfg.MigrateOnStartOrDefault() {
		t.Errorf("MIGRATE_ON_START=true not honoured: %v", err)
	}
}

// TestLoadConfigReportsEveryProblem checks that all problems come back
// together, one per line, each naming its variable.
func TestLoadConfigReportsEveryProblem(t *testing.T) {
	_, err := LoadConfig(nil)
	assertProblems(t, err, "DATABASE_URL is required", "SECRET_KEY is required")

	_, err = LoadConfig(environ(map[string]string{
		"APP_ENV":              "staging",
		"HTTP_ADDR":            "8080",
		"BASE_URL":             "ftp://example.com",
		"DATABASE_URL":         "postgres://x/y",
		"DATABASE_MAX_CONNS":   "0",
		"SECRET_KEY":           "short",
		"LOG_LEVEL":            "loud",
		"LOG_FORMAT":           "xml",
		"TRUSTED_PROXIES":      "10.0.0.0/8,not-a-cidr",
		"CORS_ALLOWED_ORIGINS": "*",
		"SHUTDOWN_TIMEOUT":     "0s",
		"SMTP_URL":             "mail.example.com",
	}))
	assertProblems(t, err,
		"APP_ENV must be one of development, test, production",
		"HTTP_ADDR must be host:port",
		"BASE_URL must be an absolute http(s) URL",
		"DATABASE_MAX_CONNS must be at least 1",
		"SECRET_KEY must be at least 32 bytes",
		"LOG_LEVEL must be one of",
		"LOG_FORMAT must be one of",
		`TRUSTED_PROXIES: "not-a-cidr" is not a CIDR`,
		`CORS_ALLOWED_ORIGINS: "*" is not an exact origin`,
		"SHUTDOWN_TIMEOUT must be positive",
		"SMTP_URL must look like",
	)

	_, err = LoadConfig(environ(map[string]string{
		"DATABASE_URL": "postgres://x/y", "SECRET_KEY": testSecret,
		"SHUTDOWN_DRAIN_DELAY": "soon", "DATABASE_MAX_CONNS": "many",
	}))
	assertProblems(t, err, "SHUTDOWN_DRAIN_DELAY is not a valid", "DATABASE_MAX_CONNS is not a valid")
}

func TestLoadConfigSecretFiles(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dbFile := filepath.Join(dir, "db")
	if err := os.WriteFile(dbFile, []byte("postgres://from-file/app"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(environ(map[string]string{"SECRET_KEY_FILE": secretFile, "DATABASE_URL_FILE": dbFile}))
	if err != nil {
		t.Fatalf("LoadConfig with _FILE secrets = %v", err)
	}
	if cfg.SecretKey != testSecret || cfg.Database.URL != "postgres://from-file/app" {
		t.Errorf("secrets from files = %q, %q; want the files' contents without the newline", cfg.SecretKey, cfg.Database.URL)
	}

	_, err = LoadConfig(environ(map[string]string{
		"SECRET_KEY": testSecret, "SECRET_KEY_FILE": secretFile,
		"DATABASE_URL_FILE": filepath.Join(dir, "missing"),
	}))
	assertProblems(t, err, "set SECRET_KEY or SECRET_KEY_FILE, not both", "DATABASE_URL_FILE: cannot read")
}

// productionEnv is a configuration production accepts.
func productionEnv() map[string]string {
	return map[string]string{
		"APP_ENV":       "production",
		"BASE_URL":      "https://app.example.com",
		"ALLOWED_HOSTS": "app.example.com",
		"DATABASE_URL":  "postgres://db/app",
		"SECRET_KEY":    testSecret,
		"SMTP_URL":      "smtp://user:pass@mail.example.com:587",
		"STORAGE_DIR":   "/var/lib/groundwork/uploads",
	}
}

func TestProductionAcceptsASafeConfig(t *testing.T) {
	cfg, err := LoadConfig(environ(productionEnv()))
	if err != nil {
		t.Fatalf("LoadConfig(production) = %v", err)
	}
	if !cfg.Production() || !cfg.SecureCookies() || cfg.MigrateOnStartOrDefault() {
		t.Errorf("production: Production=%v SecureCookies=%v MigrateOnStart=%v", cfg.Production(), cfg.SecureCookies(), cfg.MigrateOnStartOrDefault())
	}
}

// TestProductionRefusals changes one setting at a time and expects that
// one refusal (DESIGN.md §4).
func TestProductionRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		want   string
	}{
		{"example secret", map[string]string{"SECRET_KEY": ExampleSecretKey}, "SECRET_KEY is the example value"},
		{"short secret", map[string]string{"SECRET_KEY": "too-short"}, "SECRET_KEY must be at least 32 bytes"},
		{"http base url", map[string]string{"BASE_URL": "http://app.example.com"}, "BASE_URL must be https"},
		{"no allowed hosts", map[string]string{"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"},
		{"public admin listener", map[string]string{"ADMIN_ADDR": ":9090"}, `ADMIN_ADDR ":9090" is public`},
		{"public admin listener ip", map[string]string{"ADMIN_ADDR": "0.0.0.0:9090"}, "is public"},
		{"no mail", map[string]string{"SMTP_URL": ""}, "SMTP_URL is not set"},
		{"jobs in the web server", map[string]string{"JOBS_IN_PROCESS": "true"}, "JOBS_IN_PROCESS must not be true"},
		{"local storage in the default directory", map[string]string{"STORAGE_DIR": ""}, "STORAGE_DRIVER=local needs STORAGE_DIR"},
		{"s3 without its settings", map[string]string{"STORAGE_DRIVER": "s3"}, "STORAGE_DRIVER=s3 needs S3_ENDPOINT"},
		{"cors wildcard", map[string]string{"CORS_ALLOWED_ORIGINS": "*"}, "wildcards are refused"},
		{"cors wildcard subdomain", map[string]string{"CORS_ALLOWED_ORIGINS": "https://*.example.com"}, "wildcards are refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := productionEnv()
			for k, v := range tt.change {
				env[k] = v
			}
			_, err := LoadConfig(environ(env))
			assertProblems(t, err, tt.want)
			if n := strings.Count(err.Error(), "\n"); n != 1 {
				t.Errorf("got %d problems, want only the one this case introduces:\n%v", n, err)
			}
		})
	}
}

func TestProductionAllowsLoopbackAdmin(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:9090", "[::1]:9090", "localhost:9090"} {
		env := productionEnv()
		env["ADMIN_ADDR"] = addr
		if _, err := LoadConfig(environ(env)); err != nil {
			t.Errorf("ADMIN_ADDR=%s refused: %v", addr, err)
		}
	}
}

func assertProblems(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("LoadConfig = nil error, want problems %q", wants)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines)-1 != len(wants) {
		t.Errorf("got %d problem lines, want %d:\n%v", len(lines)-1, len(wants), err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("problems do not mention %q:\n%v", w, err)
		}
	}
}
