// Package tracing is the optional OpenTelemetry tracing: a tracer provider
// that exports over OTLP/HTTP, the HTTP server middleware, a pgx tracer
// with a span per SQL statement, and Start for service calls.
//
// No global OpenTelemetry state is set. The provider is passed explicitly
// to Middleware; below it, Start and SQLTracer find the provider through
// the request's span (trace.SpanFromContext(ctx).TracerProvider()). So with
// tracing off, or outside a request (background loops), they record
// nothing and cost one context lookup.
package tracing

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// scope is the instrumentation scope of every span this program makes.
const scope = "github.com/groundwork-dev/groundwork"

// Config selects where spans go and how many are kept.
type Config struct {
	// Endpoint is the OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT);
	// spans are posted to Endpoint + "/v1/traces".
	Endpoint string
	// Headers are sent with every export (OTEL_EXPORTER_OTLP_HEADERS), for
	// a collector that wants an API key.
	Headers map[string]string
	// ServiceName and ServiceVersion identify the process in the backend.
	ServiceName, ServiceVersion string
	// SampleRatio is the share of new traces kept, 0 to 1. A trace started
	// by a trusted proxy keeps the proxy's decision.
	SampleRatio float64
}

// NewProvider returns a provider that batches spans to cfg.Endpoint over
// OTLP/HTTP (protobuf). It does not connect: export failures are reported
// by OpenTelemetry's error handler (stderr) and never fail a request.
// Shutdown flushes the spans still buffered.
func NewProvider(cfg Config) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpointURL(strings.TrimRight(cfg.Endpoint, "/")+"/v1/traces"),
		otlptracehttp.WithHeaders(cfg.Headers),
	)
	if err != nil {
		return nil, fmt.Errorf("tracing: otlp exporter: %w", err)
	}
	return NewProviderWith(sdktrace.NewBatchSpanProcessor(exp), cfg), nil
}

// NewProviderWith returns a provider that hands finished spans to sp, with
// cfg's resource and sampler. Tests pass a synchronous processor over an
// in-memory exporter (tracetest.NewInMemoryExporter).
func NewProviderWith(sp sdktrace.SpanProcessor, cfg Config) *sdktrace.TracerProvider {
	return sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(sp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
		// Schemaless and explicit: resource.Default() would read
		// OTEL_RESOURCE_ATTRIBUTES behind the configuration's back.
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", cfg.ServiceName),
			attribute.String("service.version", cfg.ServiceVersion),
		)),
	)
}

// Start starts a span called name (by convention "package.Type.Method")
// as a child of the recording span in ctx. Without one it returns ctx and
// a no-op span. Services use it at the top of a method:
//
//	ctx, span := tracing.Start(ctx, "tasks.Service.Create")
//	defer span.End()
func Start(ctx context.Context, name string) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, trace.SpanFromContext(context.Background()) // no-op
	}
	return parent.TracerProvider().Tracer(scope).Start(ctx, name)
}
