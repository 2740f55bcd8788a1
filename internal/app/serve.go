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

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
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
// With JOBS_IN_PROCESS it also runs the job worker, stopped after the
// server.
func runServe(ctx context.Context, stopSignals func(), environ []string, stdout io.Writer) error {
	p, err := openProcess(environ, stdout)
	if err != nil {
		return err
	}
	defer p.close()

	// The in-process worker starts once the migrations (River's tables
	// among them) are in place, and stops after the background work that
	// may start it has ended (defers run last first).
	var worker *jobs.Queue
	if p.cfg.JobsInProcessOrDefault() {
		if worker, err = newWorker(jobOptions(p.cfg, p.obs.meter()), p.log, p.pool, p.features, p.mailer); err != nil {
			return err
		}
		defer worker.Stop() // nothing to stop if it never started
	}
	// Background work stops when the server does, whatever the reason
	// (a signal, or a listener that failed to start).
	var background sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(logging.WithLogger(ctx, p.log))
	defer background.Wait()
	defer stopBackground()
	if p.cfg.MigrateOnStartOrDefault() {
		background.Go(func() {
			if !migrateWhenReachable(bgCtx, p.migrator, p.log) || worker == nil {
				return
			}
			if err := worker.Start(bgCtx); err != nil {
				p.log.Error("the job worker did not start", "err", err)
			}
		})
	} else if worker != nil {
		if err := worker.Start(bgCtx); err != nil {
			return fmt.Errorf("start the job worker: %w", err)
		}
	}

	startListener(bgCtx, &background, p.pool, p.features, p.log)
	checker := health.New(p.pool, p.migrator, p.log)
	return serveHTTP(ctx, stopSignals, p.cfg, p.log, routeDeps{cfg: p.cfg, log: p.log, checker: checker, features: p.features, obs: p.obs})
}

// process is what serve and worker share: the configuration, the log,
// the pool, the migrator (for /ready), the features on an insert-only
// queue, and the mail sender the jobs use.
type process struct {
	cfg      Config
	log      *slog.Logger
	obs      *observability // metrics and optional tracing (admin.go)
	pool     *pgxpool.Pool
	migrator *postgres.Migrator
	features features
	mailer   mail.Sender
}

// openProcess loads the configuration and opens what a long-running
// command needs; close releases it. The pool connects lazily: the process
// starts even if the database is down.
func openProcess(environ []string, stdout io.Writer) (*process, error) {
	cfg, err := LoadConfig(environ)
	if err != nil {
		return nil, err
	}
	log, err := logging.New(stdout, cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		return nil, err
	}
	mailer, err := newMailer(cfg, log)
	if err != nil {
		return nil, err
	}
	p := &process{cfg: cfg, log: log, mailer: mailer}
	if err := p.open(); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// open opens the observability, the pool, the migrator and the features.
func (p *process) open() (err error) {
	if p.obs, err = newObservability(p.cfg); err != nil {
		return err
	}
	if p.pool, err = postgres.Open(p.cfg.Database.URL, p.cfg.Database.MaxConns, p.obs.poolOption()); err != nil {
		return err
	}
	if err := p.obs.metrics.WatchPool(p.pool); err != nil {
		return err
	}
	if err := p.obs.metrics.WatchJobs(p.pool); err != nil {
		return err
	}
	if p.migrator, err = migrations.NewMigrator(p.pool); err != nil {
		return err
	}
	inserter, err := newInserter(p.cfg, p.log, p.pool)
	if err != nil {
		return err
	}
	p.features, err = newFeatures(p.cfg, p.pool, password.NewHasher(password.DefaultParams, 2*runtime.GOMAXPROCS(0)), inserter, p.obs.metrics)
	return err
}

// close releases what open opened, newest first.
func (p *process) close() {
	if p.migrator != nil {
		p.migrator.Close()
	}
	if p.pool != nil {
		p.pool.Close()
	}
	if p.obs != nil {
		p.obs.close(p.log)
	}
}

// serveHTTP builds the router and the server, listens on HTTP_ADDR and
// serves until ctx is done or the server fails; then it shuts down.
func serveHTTP(ctx context.Context, stopSignals func(), cfg Config, log *slog.Logger, deps routeDeps) error {
	// streams is closed when shutdown begins, ending the development
	// live-reload stream, which Shutdown would otherwise wait for (the
	// broker's event streams end through deps.events.Close, below).
	streams := make(chan struct{})
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
	srv.RegisterOnShutdown(deps.events.Close) // SSE streams end with "reconnect"

	// The admin listener stops after the public server has.
	stopAdmin, err := serveAdmin(cfg.AdminAddr, adminHandler(deps.obs.meter()), log)
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
	shutdown(srv, deps.checker, deps.events, cancelRequests, cfg, log)
	return nil
}

// shutdown runs the sequence of DESIGN.md §6: /ready turns 503 at once;
// the server keeps serving for the drain delay with keep-alives off, so
// load balancers notice and clients reconnect elsewhere; then Shutdown
// waits up to the timeout for in-flight requests (streams are closed by
// the RegisterOnShutdown hook); if that times out, request contexts are
// cancelled and the remaining connections closed. Streams on connections
// the broker took over are not the server's to wait for: events.Wait
// waits, within the same timeout, for their last event to be written.
func shutdown(srv *http.Server, checker *health.Checker, events *sse.Broker, cancelRequests func(), cfg Config, log *slog.Logger) {
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
	if err := events.Wait(ctx); err != nil {
		log.Warn("event streams did not end in time", "err", err)
	}
	log.Info("http server stopped")
}

// migrateWhenReachable applies pending migrations (MIGRATE_ON_START),
// retrying while the database is unreachable so that a server started
// before its database becomes ready without a restart. A failing migration
// is logged and not retried; /ready then reports the schema version. It
// reports whether the schema is now current.
func migrateWhenReachable(ctx context.Context, m *postgres.Migrator, log *slog.Logger) bool {
	delay := 500 * time.Millisecond
	for {
		n, err := m.Up(ctx)
		if err == nil {
			log.Info("migrations applied", "count", n, "version", m.Target())
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if apperr.KindOf(err) != apperr.Unavailable {
			log.Error("migrations failed", "err", err)
			return false
		}
		log.Warn("database unreachable; will retry migrations", "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return false
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
