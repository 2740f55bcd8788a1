package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTracingConfig(t *testing.T) {
	base := map[string]string{"APP_ENV": "test", "DATABASE_URL": "postgres://db/app", "SECRET_KEY": testSecret}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}

	cfg, err := LoadConfig(environ(base))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Tracing.Enabled() || cfg.Tracing.ServiceName != "groundwork" || cfg.Tracing.SampleRatio != 1 {
		t.Errorf("defaults: %+v, want off, groundwork, ratio 1", cfg.Tracing)
	}

	cfg, err = LoadConfig(environ(with(
		"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
		"OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc,tenant=t1",
		"OTEL_SERVICE_NAME", "shop",
		"OTEL_TRACES_SAMPLER_ARG", "0.25",
	)))
	if err != nil {
		t.Fatal(err)
	}
	want := TracingConfig{Endpoint: "http://collector:4318", Headers: map[string]string{"x-api-key": "abc", "tenant": "t1"},
		ServiceName: "shop", SampleRatio: 0.25}
	if diff := cmp.Diff(want, cfg.Tracing); diff != "" || !cfg.Tracing.Enabled() {
		t.Errorf("tracing config (-want +got):\n%s", diff)
	}

	// The headers can hold an API key: they may come from a file.
	file := filepath.Join(t.TempDir(), "headers")
	if err := os.WriteFile(file, []byte("authorization=Bearer s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = LoadConfig(environ(with("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com", "OTEL_EXPORTER_OTLP_HEADERS_FILE", file)))
	if err != nil || cfg.Tracing.Headers["authorization"] != "Bearer s3cret" {
		t.Errorf("headers from a file: %v, %v", cfg.Tracing.Headers, err)
	}

	_, err = LoadConfig(environ(with("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "OTEL_TRACES_SAMPLER_ARG", "1.5")))
	assertProblems(t, err, "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) base URL", "OTEL_TRACES_SAMPLER_ARG must be at most 1")
}

// TestProductionAdminAddr: the admin listener may bind loopback or one
// private address (a pod IP for Prometheus), never every interface, a
// public address or a host name.
func TestProductionAdminAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:9090": true, "10.244.1.7:9090": true, "172.30.250.3:9090": true, "192.168.1.5:9090": true,
		"[fd00::5]:9090": true,
		":9090":          false, "0.0.0.0:9090": false, "[::]:9090": false, "203.0.113.5:9090": false, "admin.example.com:9090": false,
	} {
		env := productionEnv()
		env["ADMIN_ADDR"] = addr
		_, err := LoadConfig(environ(env))
		if ok && err != nil {
			t.Errorf("ADMIN_ADDR=%s refused: %v", addr, err)
		}
		if !ok {
			assertProblems(t, err, "is public")
		}
	}
}
