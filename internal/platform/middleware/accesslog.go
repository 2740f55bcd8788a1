package middleware

import (
	"log/slog"
	"net/http"
	"time"

	chimw "github.com/go-chi/chi/v5/middleware"
	"go.opentelemetry.io/otel/trace"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/route"
)

// AccessLog stores a request-scoped logger (with request_id) in the context
// (and trace_id when tracing is on) and writes one line per request when it ends: method, route pattern (not
// the raw path, so IDs don't explode cardinality), status, bytes, duration,
// client IP and request ID. Probe routes (/health, /ready) log at debug
// level so that orchestrators polling them do not flood the log.
func AccessLog(base *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			reqLog := base.With("request_id", httpx.RequestID(r.Context()))
			if sc := trace.SpanContextFromContext(r.Context()); sc.HasTraceID() { // tracing on (issue 14)
				reqLog = reqLog.With("trace_id", sc.TraceID().String())
			}
			ww := chimw.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				level := slog.LevelInfo
				if r.URL.Path == "/health" || r.URL.Path == "/ready" {
					level = slog.LevelDebug
				}
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK // nothing written: net/http sends 200
				}
				reqLog.LogAttrs(r.Context(), level, "http request",
					slog.String("method", r.Method),
					slog.String("route", route.Pattern(r, status)), // as in the metrics (issue 14)
					slog.Int("status", status),
					slog.Int("bytes", ww.BytesWritten()),
					slog.Duration("duration", time.Since(start)),
					slog.String("client_ip", ClientIPFrom(r)),
				)
			}()
			next.ServeHTTP(ww, r.WithContext(logging.WithLogger(r.Context(), reqLog)))
		})
	}
}
