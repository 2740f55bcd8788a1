package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/tracing"
)

// This file is issue 14: metrics, tracing and the admin listener
// (README "Operating it").

// observability is the process's metrics registry and optional tracer
// provider, built once by runServe and passed explicitly (no global
// registry, no global tracer provider).
type observability struct {
	metrics *metrics.Metrics
	// tracer is nil when tracing is off (OTEL_EXPORTER_OTLP_ENDPOINT unset).
	tracer *sdktrace.TracerProvider
	// mw is the router middleware: metrics, then tracing if on.
	mw func(http.Handler) http.Handler
}

// newObservability builds the metrics and, if configured, the OTLP tracer
// provider.
func newObservability(cfg Config) (*observability, error) {
	var tp *sdktrace.TracerProvider
	if cfg.Tracing.Enabled() {
		var err error
		tp, err = tracing.NewProvider(tracing.Config{
			Endpoint:       cfg.Tracing.Endpoint,
			Headers:        cfg.Tracing.Headers,
			ServiceName:    cfg.Tracing.ServiceName,
			ServiceVersion: Version(),
			SampleRatio:    cfg.Tracing.SampleRatio,
		})
		if err != nil {
			return nil, err
		}
	}
	return newObservabilityWith(metrics.New(), tp, cfg.TrustedProxies)
}

// newObservabilityWith assembles an observability from its parts; tests
// pass a provider over an in-memory exporter. tp may be nil (tracing off).
func newObservabilityWith(m *metrics.Metrics, tp *sdktrace.TracerProvider, trustedProxies []string) (*observability, error) {
	o := &observability{metrics: m, tracer: tp, mw: m.Middleware}
	if tp != nil {
		traced, err := tracing.Middleware(tp, trustedProxies)
		if err != nil {
			return nil, err
		}
		o.mw = func(next http.Handler) http.Handler { return m.Middleware(traced(next)) }
	}
	return o, nil
}

// middleware is the router middleware (metrics, then tracing); it goes
// before the access log, so that the log line has the trace ID. On a nil
// *observability (tests that leave it out) it does nothing.
func (o *observability) middleware() func(http.Handler) http.Handler {
	if o == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	return o.mw
}

// meter returns the metrics, or nil on a nil *observability.
func (o *observability) meter() *metrics.Metrics {
	if o == nil {
		return nil
	}
	return o.metrics
}

// poolOption installs the pgx tracer: acquire metrics always, a span per
// SQL statement when tracing is on.
func (o *observability) poolOption() postgres.Option {
	t := &multitracer.Tracer{PoolAcquireTracers: []pgxpool.AcquireTracer{o.metrics.AcquireTracer()}}
	if o.tracer != nil {
		t.QueryTracers = []pgx.QueryTracer{tracing.SQLTracer{}}
		t.BatchTracers = []pgx.BatchTracer{tracing.SQLTracer{}}
	}
	return postgres.WithTracer(t)
}

// close flushes the spans still buffered (at most 5 s).
func (o *observability) close(log *slog.Logger) {
	if o.tracer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := o.tracer.Shutdown(ctx); err != nil {
		log.Warn("flushing traces failed", "err", err)
	}
}

// maxProfileSeconds bounds /debug/pprof/profile?seconds= and trace (the
// admin server's write timeout is a little longer).
const maxProfileSeconds = 60

// adminHandler serves GET /metrics and /debug/pprof/ with its sub-paths
// (named profiles such as heap and goroutine through pprof.Index).
// Requests whose Host is a name other than localhost get 421: only an IP
// literal or localhost reaches it, so a web page cannot read it through
// DNS rebinding.
func adminHandler(m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "admin listener: /metrics (Prometheus), /debug/pprof/ (profiles)")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !adminHost(r.Host) {
			http.Error(w, "admin listener: use an IP address or localhost", http.StatusMisdirectedRequest)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// adminHost reports whether host (with or without a port) is an IP
// literal or localhost.
func adminHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

// serveAdmin listens on addr and serves h in the background. It returns
// once listening (or with the listen error), with a stop function that
// shuts the listener down, cutting a running profile short after a
// second. runServe stops it after the public server, so the drain can be
// watched. TODO(worker): the worker command serves the same handler on
// WORKER_ADMIN_ADDR with this function.
func serveAdmin(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      (maxProfileSeconds + 5) * time.Second,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("admin server listening", "addr", ln.Addr().String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server failed", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
		log.Info("admin server stopped")
	}, nil
}
