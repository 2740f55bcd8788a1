package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/migrations"
)

// Server timeouts (DESIGN.md §6). Streams lift their own write deadline.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// runServe runs the web server until ctx is done, then shuts down
// gracefully (see shutdown). stopSignals restores the default signal
// behaviour, so a second SIGINT/SIGTERM during shutdown kills the process.
func runServe(ctx context.Context, stopSignals func(), environ []string, stdout io.Writer) error {
	cfg, err := LoadConfig(environ)
	if err != nil {
		return err
	}
	log, err := logging.New(stdout, cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		return err
	}

	// Metrics and optional tracing (issue 14; admin.go).
	obs, err := newObservability(cfg)
	if err != nil {
		return err
	}
	defer obs.close(log)

	// The pool connects lazily: the server starts even if the database is down.
	pool, err := postgres.Open(cfg.Database.URL, cfg.Database.MaxConns, obs.poolOption())
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := obs.metrics.WatchPool(pool); err != nil {
		return err
	}
	migrator, err := postgres.NewMigrator(pool, migrations.FS)
	if err != nil {
		return err
	}
	defer migrator.Close()

	// Background work stops when the server does, whatever the reason
	// (a signal, or a listener that failed to start).
	var background sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer background.Wait()
	defer stopBackground()
	if cfg.MigrateOnStartOrDefault() {
		background.Go(func() { migrateWhenReachable(bgCtx, migrator, log) })
	}

	checker := health.New(pool, migrator, log)
	mailer, err := newMailer(cfg, log)
	if err != nil {
		return err
	}
	f := newFeatures(cfg, pool, password.NewHasher(password.DefaultParams, 2*runtime.GOMAXPROCS(0)), mailer, obs.metrics)
	defer f.accounts.Wait() // mail still being handed over
	background.Go(func() { purgeEvery(bgCtx, 5*time.Minute, log, session.NewStore(pool), f.accounts) })

	// streams is closed when shutdown begins, ending long-lived responses
	// (live reload now, SSE later) that Shutdown would otherwise wait for.
	streams := make(chan struct{})
	deps := routeDeps{cfg: cfg, log: log, checker: checker, features: f, obs: obs}
	if cfg.Env == "development" {
		deps.devReload = devReloadHandler(rand.Text(), streams)
	}
	handler, err := newRouter(deps)
	if err != nil {
		return err
	}

	// Requests get a base context that is cancelled only if graceful
	// shutdown times out, not when the signal arrives: in-flight requests
	// must be able to finish during the drain.
	baseCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	srv.RegisterOnShutdown(sync.OnceFunc(func() { close(streams) }))

	// The admin listener (issue 14) stops after the public server has.
	stopAdmin, err := serveAdmin(cfg.AdminAddr, adminHandler(obs.metrics), log)
	if err != nil {
		return err
	}
	defer stopAdmin()

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("http server listening", "addr", ln.Addr().String(), "env", cfg.Env, "version", Version())

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	stopSignals()
	shutdown(srv, checker, cancelRequests, cfg, log)
	return nil
}

// shutdown runs the sequence of DESIGN.md §6: /ready turns 503 at once;
// the server keeps serving for the drain delay with keep-alives off, so
// load balancers notice and clients reconnect elsewhere; then Shutdown
// waits up to the timeout for in-flight requests (streams are closed by
// the RegisterOnShutdown hook); if that times out, request contexts are
// cancelled and the remaining connections closed.
func shutdown(srv *http.Server, checker *health.Checker, cancelRequests func(), cfg Config, log *slog.Logger) {
	log.Info("shutting down", "drain_delay", cfg.ShutdownDrainDelay, "timeout", cfg.ShutdownTimeout)
	checker.SetDraining()
	srv.SetKeepAlivesEnabled(false)
	time.Sleep(cfg.ShutdownDrainDelay)

	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("graceful shutdown timed out; closing connections", "err", err)
		cancelRequests()
		_ = srv.Close()
	}
	log.Info("http server stopped")
}

// migrateWhenReachable applies pending migrations (MIGRATE_ON_START),
// retrying while the database is unreachable so that a server started
// before its database becomes ready without a restart. A failing migration
// is logged and not retried; /ready then reports the schema version.
func migrateWhenReachable(ctx context.Context, m *postgres.Migrator, log *slog.Logger) {
	delay := 500 * time.Millisecond
	for {
		n, err := m.Up(ctx)
		if err == nil {
			log.Info("migrations applied", "count", n, "version", m.Target())
			return
		}
		if ctx.Err() != nil {
			return
		}
		if apperr.KindOf(err) != apperr.Unavailable {
			log.Error("migrations failed", "err", err)
			return
		}
		log.Warn("database unreachable; will retry migrations", "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// newMailer returns the SMTP sender, or in development without SMTP_URL a
// sender that logs each message (production refuses to start without it).
func newMailer(cfg Config, log *slog.Logger) (mail.Sender, error) {
	if cfg.SMTPURL == "" {
		return mail.NewLogSender(log), nil
	}
	return mail.NewSMTPSender(cfg.SMTPURL, cfg.MailFrom)
}

// purgeEvery deletes expired sessions, old sign-in failures and spent
// tokens every interval until ctx is done.
func purgeEvery(ctx context.Context, interval time.Duration, log *slog.Logger, store *session.Store, accounts *account.Service) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := store.DeleteExpired(ctx); err != nil {
			log.Warn("purging expired sessions failed", "err", err)
		}
		if err := accounts.Purge(ctx); err != nil {
			log.Warn("purging account records failed", "err", err)
		}
	}
}
