package app

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(t.Context(), append([]string{"app"}, args...), environ(env), strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	a := startApp(t, testEnv(t))
	waitReady(t, a.URL, http.StatusOK, 5*time.Second)
	if _, err := run(t, nil, "healthcheck", a.URL+"/ready"); err != nil {
		t.Errorf("healthcheck against a ready server = %v, want nil", err)
	}
	// Default target: /ready on HTTP_ADDR's port at 127.0.0.1.
	port := a.URL[strings.LastIndex(a.URL, ":")+1:]
	if _, err := run(t, map[string]string{"HTTP_ADDR": ":" + port}, "healthcheck"); err != nil {
		t.Errorf("healthcheck with HTTP_ADDR=:%s = %v, want nil", port, err)
	}

	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer unavailable.Close()
	if _, err := run(t, nil, "healthcheck", unavailable.URL); err == nil {
		t.Error("healthcheck against a 503 = nil, want an error")
	}

	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, nil, "healthcheck", a.URL+"/ready"); err == nil {
		t.Error("healthcheck against a stopped server = nil, want an error")
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t)}
	out, err := run(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("migrate status on an empty database = %v:\n%s", err, out)
	}
	if out, err = run(t, env, "migrate", "up"); err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("migrate up = %v:\n%s", err, out)
	}
	if out, _ = run(t, env, "migrate", "status"); strings.Contains(out, "pending") {
		t.Errorf("after migrate up, status still shows pending:\n%s", out)
	}
	if _, err = run(t, env, "migrate", "redo"); err != nil {
		t.Errorf("migrate redo = %v", err)
	}
	if _, err = run(t, env, "migrate", "down"); err != nil {
		t.Errorf("migrate down = %v", err)
	}
	if out, _ = run(t, env, "migrate", "status"); !strings.Contains(out, "pending") {
		t.Errorf("after migrate down, status shows nothing pending:\n%s", out)
	}

	for _, args := range [][]string{{"migrate"}, {"migrate", "sideways"}, {"migrate", "up", "extra"}, {"migrate", "create"}} {
		if _, err := run(t, env, args...); !errors.Is(err, errUsage) {
			t.Errorf("%v = %v, want a usage error", args, err)
		}
	}
	if _, err := run(t, nil, "migrate", "up"); err == nil || !strings.Contains(err.Error(), "DATABASE_URL is required") {
		t.Errorf("migrate up without DATABASE_URL = %v", err)
	}
}

func TestMigrateCreateWritesIntoMigrations(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "migrations"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out, err := run(t, nil, "migrate", "create", "add_widgets")
	if err != nil {
		t.Fatalf("migrate create = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "migrations", "00001_add_widgets.sql")); err != nil {
		t.Errorf("migrate create printed %q but: %v", out, err)
	}
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	out, err := run(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "groundwork dev revision ") {
		t.Errorf("version = %q, %v", out, err)
	}
	if _, err := run(t, nil, "frobnicate"); !errors.Is(err, errUsage) {
		t.Errorf("unknown command = %v, want a usage error", err)
	}
	// serve refuses a bad configuration before it listens, listing every problem.
	_, err = run(t, map[string]string{"APP_ENV": "production"}, "serve")
	if err == nil || strings.Count(err.Error(), "\n") < 4 {
		t.Errorf("serve with a bad production config = %v, want every problem listed", err)
	}
}

func TestUserCreateCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t)}
	runWithInput := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := Run(t.Context(), append([]string{"app", "user"}, args...), environ(env), strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	out, err := runWithInput(" admin pass phrase \n", "create", "--email", "Admin@Example.com", "--admin")
	if err != nil || !strings.Contains(out, "created admin user") {
		t.Fatalf("user create --admin = %v, %q", err, out)
	}
	pool, err := pgxpool.New(t.Context(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var role, hash string
	var verified bool
	if err := pool.QueryRow(t.Context(), `SELECT role, password_hash, email_verified_at IS NOT NULL FROM users WHERE email = 'admin@example.com'`).Scan(&role, &hash, &verified); err != nil {
		t.Fatal(err)
	}
	if role != "admin" || !verified || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("created user: role %q verified %v hash %q", role, verified, hash)
	}

	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"another passphrase\n", []string{"create", "--email", "admin@example.com"}, "already exists"},
		// account.Service.CreateUser validates; the command lists each field's problem.
		{"short\n", []string{"create", "--email", "x@example.com"}, "password: Password must be at least 8"},
		{"password123\n", []string{"create", "--email", "x@example.com"}, "password: This password is too common"},
		{strings.Repeat("x", 1025) + "\n", []string{"create", "--email", "x@example.com"}, "password: Password must be at most 1024 bytes"},
		{"", []string{"create", "--email", "x@example.com"}, "standard input"},
		{"long enough pass\n", []string{"create", "--email", "not-an-email"}, "email: Email must be a valid email address"},
		{"long enough pass\n", []string{"create"}, "email: Email is required"},
		{"short\n", []string{"create", "--email", "not-an-email"}, "email: Email must be a valid email address.; password: Password must be at least 8"},
		{"long enough pass\n", []string{"delete"}, "usage"},
		{"long enough pass\n", []string{"create", "--password", "x"}, "usage"},
	} {
		if _, err := runWithInput(tt.stdin, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("user %v with stdin %q = %v, want an error mentioning %q", tt.args, tt.stdin, err, tt.want)
		}
	}
	var users int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM users`).Scan(&users); err != nil || users != 1 {
		t.Errorf("users after the refused creations = %d (%v), want only the admin", users, err)
	}
}

// TestServeFailsFastWhenTheAddressIsTaken: a listener that cannot start
// ends the program with an error; background work must not keep it alive.
func TestServeFailsFastWhenTheAddressIsTaken(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	env := testEnv(t)
	env["HTTP_ADDR"] = taken.Addr().String()
	env["MIGRATE_ON_START"] = "true"
	done := make(chan error, 1)
	go func() { _, err := run(t, env, "serve"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "listen on") {
			t.Errorf("serve on a taken address = %v, want a listen error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve on a taken address did not return")
	}
}
