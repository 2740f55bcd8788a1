package tracing

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"

	chimw "github.com/go-chi/chi/v5/middleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/groundwork-dev/groundwork/internal/platform/route"
)

// Middleware starts a server span for each request and puts it in the
// request context. The span is named "METHOD /route/{pattern}" once the
// handler has run (chi's pattern: never the raw path, which can hold
// tokens), records http.route and http.response.status_code, and is an
// error for 5xx.
//
// W3C trace context (traceparent, tracestate) is continued only when the
// socket peer is in trustedProxies (CIDRs, as TRUSTED_PROXIES): from anyone
// else it is ignored and the request starts a new trace, so a client can
// neither join someone else's trace nor force sampling. Mount it before
// the access log, so that the log line carries the trace ID.
func Middleware(tp trace.TracerProvider, trustedProxies []string) (func(http.Handler) http.Handler, error) {
	trusted := make([]netip.Prefix, 0, len(trustedProxies))
	for _, c := range trustedProxies {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, fmt.Errorf("tracing: trusted proxy %q: %w", c, err)
		}
		trusted = append(trusted, p)
	}
	tracer := tp.Tracer(scope)
	prop := propagation.TraceContext{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if fromTrusted(r.RemoteAddr, trusted) {
				ctx = prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
			}
			method := methodAttr(r.Method)
			ctx, span := tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", method)))
			defer span.End()

			ww := chimw.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r.WithContext(ctx))

			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			if pattern := route.Pattern(r, status); pattern != "" {
				span.SetName(method + " " + pattern)
				span.SetAttributes(attribute.String("http.route", pattern))
			}
			span.SetAttributes(attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
		})
	}, nil
}

// fromTrusted reports whether the socket peer remoteAddr is in trusted.
func fromTrusted(remoteAddr string, trusted []netip.Prefix) bool {
	if len(trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// methodAttr bounds the method as OpenTelemetry's HTTP conventions say.
func methodAttr(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "_OTHER"
}
