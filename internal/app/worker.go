package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/health"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
)

// runWorker implements `app worker`: it runs every feature's background
// jobs until ctx is done, and serves GET /health and /ready on
// WORKER_HTTP_ADDR (ready: the database answers, the schema is current,
// River's included, and the worker is not stopping). On SIGTERM /ready
// turns 503 at once, running jobs get JOBS_SOFT_STOP_TIMEOUT to finish
// before their contexts are cancelled, and it returns nil; a second
// signal kills the process (stopSignals restores the default).
func runWorker(ctx context.Context, stopSignals func(), environ []string, stdout io.Writer) error {
	p, err := openProcess(environ, stdout)
	if err != nil {
		return err
	}
	defer p.close()
	worker, err := newWorker(jobOptions(p.cfg, p.obs.meter()), p.log, p.pool, p.features, p.mailer)
	if err != nil {
		return err
	}
	checker := health.New(p.pool, p.migrator, p.log)
	stopAdmin, err := serveAdmin(p.cfg.AdminAddr, adminHandler(p.obs.meter()), p.log)
	if err != nil {
		return err
	}
	defer stopAdmin()
	srv, serveErr, err := serveProbes(p.cfg.Jobs.WorkerAddr, checker, p.log)
	if err != nil {
		return err
	}
	if err := worker.Start(logging.WithLogger(ctx, p.log)); err != nil {
		_ = srv.Close()
		return err
	}

	select {
	case err = <-serveErr:
		err = fmt.Errorf("worker http server: %w", err)
	case <-ctx.Done():
	}
	stopSignals()
	p.log.Info("worker stopping", "soft_stop_timeout", p.cfg.Jobs.SoftStopTimeout)
	checker.SetDraining()
	worker.Stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	p.log.Info("worker stopped")
	return err
}

// serveProbes serves GET /health and /ready of checker on addr; the
// channel receives the server's error if it stops on its own.
func serveProbes(addr string, checker *health.Checker, log *slog.Logger) (*http.Server, <-chan error, error) {
	r := chi.NewRouter()
	r.Get("/health", checker.Health)
	r.Get("/ready", checker.Ready)
	srv := &http.Server{Handler: r, ReadHeaderTimeout: readHeaderTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("worker running", "addr", ln.Addr().String(), "version", Version())
	return srv, serveErr, nil
}
