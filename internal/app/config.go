package app

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// ExampleSecretKey is the placeholder in .env.example; production refuses it.
const ExampleSecretKey = "change-me-to-32-plus-random-bytes-xxxxxxxxxxxx"

// Config is the whole configuration, read once from the environment by
// LoadConfig. The env tags are the contract documented in DESIGN.md §4,
// .env.example and the README.
type Config struct {
	Env      string   `env:"APP_ENV" envDefault:"development" validate:"oneof=development test production"`
	HTTPAddr string   `env:"HTTP_ADDR" envDefault:":8080"`
	BaseURL  *url.URL `env:"BASE_URL" envDefault:"http://localhost:8080"`
	// AllowedHosts is the Host allow-list, enforced in production.
	AllowedHosts []string `env:"ALLOWED_HOSTS"`

	Database DatabaseConfig
	Log      LogConfig
	Jobs     JobsConfig
	Storage  StorageConfig

	// MigrateOnStart is nil when unset; see MigrateOnStartOrDefault.
	MigrateOnStart *bool  `env:"MIGRATE_ON_START"`
	SecretKey      string `env:"SECRET_KEY,required" validate:"min=32"`

	TrustedProxies     []string      `env:"TRUSTED_PROXIES" validate:"dive,cidr"`
	CORSAllowedOrigins []string      `env:"CORS_ALLOWED_ORIGINS"`
	ShutdownDrainDelay time.Duration `env:"SHUTDOWN_DRAIN_DELAY" envDefault:"5s"`
	ShutdownTimeout    time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`

	// Sessions: idle timeout and absolute lifetime (security checklist T16).
	SessionIdleTimeout time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"30m"`
	SessionLifetime    time.Duration `env:"SESSION_LIFETIME" envDefault:"12h"`
	// RequireEmailVerification refuses sign-in until the address is confirmed.
	RequireEmailVerification bool   `env:"REQUIRE_EMAIL_VERIFICATION" envDefault:"false"`
	MailFrom                 string `env:"MAIL_FROM" envDefault:"Groundwork <no-reply@localhost>"`
	// AuthRateLimit is how many requests per minute one client address may
	// make to the sign-in, sign-up and password routes.
	AuthRateLimit int `env:"AUTH_RATE_LIMIT" envDefault:"30" validate:"min=1"`
	// APITokenRateLimit is how many requests per minute one API token may
	// make (issue 17); the count is per instance.
	APITokenRateLimit int `env:"API_TOKEN_RATE_LIMIT" envDefault:"600" validate:"min=1"`

	SMTPURL   string `env:"SMTP_URL"`
	AdminAddr string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9090"`
	// Tracing is the optional OpenTelemetry tracing (config_observability.go).
	Tracing TracingConfig
}

// DatabaseConfig is the part of Config the migrate command needs.
type DatabaseConfig struct {
	URL      string `env:"DATABASE_URL,required"`
	MaxConns int32  `env:"DATABASE_MAX_CONNS" envDefault:"10" validate:"min=1,max=1000"`
}

// JobsConfig configures the background-job queue and the worker.
type JobsConfig struct {
	// InProcess is nil when unset; see Config.JobsInProcessOrDefault.
	InProcess *bool `env:"JOBS_IN_PROCESS"`
	// WorkerAddr is where `app worker` serves /health and /ready.
	WorkerAddr      string        `env:"WORKER_HTTP_ADDR" envDefault:"127.0.0.1:8081"`
	MaxAttempts     int           `env:"JOBS_MAX_ATTEMPTS" envDefault:"8" validate:"min=1,max=100"`
	Timeout         time.Duration `env:"JOBS_TIMEOUT" envDefault:"1m"`
	SoftStopTimeout time.Duration `env:"JOBS_SOFT_STOP_TIMEOUT" envDefault:"10s"`
	Concurrency     int           `env:"JOBS_CONCURRENCY" envDefault:"10" validate:"min=1,max=1000"`
}

// StorageConfig configures uploads (internal/platform/storage,
// internal/attachments).
type StorageConfig struct {
	Driver string `env:"STORAGE_DRIVER" envDefault:"local" validate:"oneof=local s3"`
	// Dir is where the local driver keeps files; "" is tmp/storage, which
	// production refuses (set it explicitly).
	Dir        string   `env:"STORAGE_DIR"`
	S3Endpoint *url.URL `env:"S3_ENDPOINT"`
	// S3PublicEndpoint is the store as browsers reach it (default: S3_ENDPOINT).
	S3PublicEndpoint *url.URL `env:"S3_PUBLIC_ENDPOINT"`
	S3Region         string   `env:"S3_REGION" envDefault:"us-east-1"`
	S3Bucket         string   `env:"S3_BUCKET"`
	S3AccessKey      string   `env:"S3_ACCESS_KEY"`
	S3SecretKey      string   `env:"S3_SECRET_KEY"`
	MaxBytes         int64    `env:"UPLOAD_MAX_BYTES" envDefault:"10485760" validate:"min=1"`
	ContentTypes     []string `env:"UPLOAD_CONTENT_TYPES" envDefault:"image/png,image/jpeg,image/webp,application/pdf" validate:"min=1"`
}

// errS3Incomplete is the configuration problem of an incomplete S3 driver.
const errS3Incomplete = "STORAGE_DRIVER=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY and S3_SECRET_KEY"

// s3Complete reports whether the S3 driver, if chosen, has what it needs.
func (s StorageConfig) s3Complete() bool {
	return s.Driver != "s3" || (s.S3Endpoint != nil && s.S3Endpoint.Host != "" && s.S3Bucket != "" && s.S3AccessKey != "" && s.S3SecretKey != "")
}

// LogConfig selects the log level and format.
type LogConfig struct {
	Level  string `env:"LOG_LEVEL" envDefault:"info" validate:"oneof=debug info warn error"`
	Format string `env:"LOG_FORMAT" envDefault:"json" validate:"oneof=json text"`
}

// Production reports whether APP_ENV is production.
func (c Config) Production() bool { return c.Env == "production" }

// MigrateOnStartOrDefault is MIGRATE_ON_START, which defaults to true in
// development and false otherwise (production migrates as its own step).
func (c Config) MigrateOnStartOrDefault() bool {
	if c.MigrateOnStart != nil {
		return *c.MigrateOnStart
	}
	return c.Env == "development"
}

// JobsInProcessOrDefault is JOBS_IN_PROCESS: whether `serve` also runs the
// job worker. It defaults to true in development (so `make dev` is one
// process) and false otherwise; production refuses true.
func (c Config) JobsInProcessOrDefault() bool {
	if c.Jobs.InProcess != nil {
		return *c.Jobs.InProcess
	}
	return c.Env == "development"
}

// SecureCookies reports whether cookies get the Secure flag: exactly when
// the site is served over https.
func (c Config) SecureCookies() bool { return c.BaseURL.Scheme == "https" }

// secretVars accept NAME_FILE, a path to a file holding the value (Docker
// and Kubernetes secrets).
var secretVars = []string{"DATABASE_URL", "SECRET_KEY", "SMTP_URL", "OTEL_EXPORTER_OTLP_HEADERS", "S3_ACCESS_KEY", "S3_SECRET_KEY"}

// LoadConfig parses and validates the configuration from environ (KEY=VALUE
// pairs, as os.Environ returns). Every problem is reported, one per line,
// in a single error.
func LoadConfig(environ []string) (Config, error) {
	vars, problems := environment(environ)
	var cfg Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: vars}); err != nil {
		problems = append(problems, envProblems(err, reflect.TypeFor[Config](), vars)...)
	}
	problems = append(problems, cfg.validate(reported(problems))...)
	if len(problems) > 0 {
		return Config{}, configError(problems)
	}
	return cfg, nil
}

// validate checks the values (the simple rules as validate tags, the rest
// here) and the production refusals (DESIGN.md §4). Problems with a
// variable in skip (already reported as missing or unparsable) are left out.
func (c Config) validate(skip map[string]bool) (p []string) {
	if c.BaseURL == nil {
		c.BaseURL = &url.URL{}
	}
	defer func() {
		p = slices.DeleteFunc(p, func(problem string) bool {
			name, _, _ := strings.Cut(strings.TrimPrefix(problem, "production: "), " ")
			return skip[strings.TrimSuffix(name, ":")]
		})
	}()
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		add("HTTP_ADDR must be host:port or :port, not %q", c.HTTPAddr)
	}
	if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
		add("ADMIN_ADDR must be host:port, not %q", c.AdminAddr)
	}
	if _, _, err := net.SplitHostPort(c.Jobs.WorkerAddr); err != nil {
		add("WORKER_HTTP_ADDR must be host:port, not %q", c.Jobs.WorkerAddr)
	}
	if c.Jobs.Timeout <= 0 || c.Jobs.SoftStopTimeout <= 0 {
		add("JOBS_TIMEOUT and JOBS_SOFT_STOP_TIMEOUT must be positive")
	}
	if !c.Storage.s3Complete() {
		add(errS3Incomplete)
	}
	if problem := checkBaseURL(c.BaseURL); problem != "" {
		add("%s", problem)
	}
	p = append(p, tagProblems(c)...)
	for _, o := range c.CORSAllowedOrigins {
		if !validOrigin(o) {
			add("CORS_ALLOWED_ORIGINS: %q is not an exact origin (scheme://host[:port]); wildcards are refused", o)
		}
	}
	if c.ShutdownDrainDelay < 0 {
		add("SHUTDOWN_DRAIN_DELAY must not be negative")
	}
	if c.ShutdownTimeout <= 0 {
		add("SHUTDOWN_TIMEOUT must be positive")
	}
	if c.SessionIdleTimeout <= 0 || c.SessionLifetime <= 0 || c.SessionIdleTimeout > c.SessionLifetime {
		add("SESSION_IDLE_TIMEOUT and SESSION_LIFETIME must be positive, the idle timeout no longer than the lifetime")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			add("SMTP_URL must look like smtp://user:pass@host:port")
		}
	}
	p = append(p, c.Tracing.problems()...)
	if c.Production() {
		p = append(p, c.productionRefusals()...)
	}
	return p
}

// productionRefusals are the settings production refuses to boot with.
func (c Config) productionRefusals() []string {
	var p []string
	if c.SecretKey == ExampleSecretKey || strings.Contains(c.SecretKey, "change-me") {
		p = append(p, "production: SECRET_KEY is the example value; generate a random one (head -c 32 /dev/urandom | base64)")
	}
	if c.BaseURL.Scheme != "https" {
		p = append(p, "production: BASE_URL must be https (session cookies are only Secure over https)")
	}
	if len(c.AllowedHosts) == 0 {
		p = append(p, "production: ALLOWED_HOSTS must list the host names the site answers to")
	}
	if host, _, err := net.SplitHostPort(c.AdminAddr); err == nil && !isLoopback(host) && !isPrivate(host) {
		p = append(p, fmt.Sprintf("production: ADMIN_ADDR %q is public; bind the admin listener to 127.0.0.1 (or a private address such as the pod IP)", c.AdminAddr))
	}
	if c.SMTPURL == "" {
		p = append(p, "production: SMTP_URL is not set, so mail would only be logged")
	}
	if c.JobsInProcessOrDefault() {
		p = append(p, "production: JOBS_IN_PROCESS must not be true; run `app worker` as its own process")
	}
	if c.Storage.Driver == "local" && c.Storage.Dir == "" {
		p = append(p, "production: STORAGE_DRIVER=local needs STORAGE_DIR set explicitly (or use s3)")
	}
	return p
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// isPrivate reports whether host is a private (RFC 1918, RFC 4193) IP:
// the admin listener may bind one in production (a pod IP that Prometheus
// scrapes), never all interfaces or a public address.
func isPrivate(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsPrivate()
}

// validOrigin reports whether s is exactly scheme://host[:port].
func validOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.Contains(u.Host, "*") && u.User == nil && u.Path == "" && u.RawQuery == "" && u.Fragment == ""
}

// origin returns scheme://host of u.
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// checkBaseURL returns what is wrong with BASE_URL u, or "".
func checkBaseURL(u *url.URL) string {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("BASE_URL must be an absolute http(s) URL, not %q", u)
	}
	return ""
}
