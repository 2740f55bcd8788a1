package app

import (
	"fmt"
	"net/url"
)

// TracingConfig is the optional OpenTelemetry tracing (README "Operating
// it"). It is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. The names are
// OpenTelemetry's standard variables, read here like every other setting
// (the exporter's own reading of OTEL_* is overridden by these values).
type TracingConfig struct {
	// Endpoint is the OTLP/HTTP base URL, e.g. http://localhost:4318;
	// spans go to Endpoint/v1/traces.
	Endpoint string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	// Headers are key=value pairs sent with each export (an API key).
	Headers     map[string]string `env:"OTEL_EXPORTER_OTLP_HEADERS" envKeyValSeparator:"="`
	ServiceName string            `env:"OTEL_SERVICE_NAME" envDefault:"groundwork"`
	// SampleRatio is the share of new traces kept (the sampler is always
	// parent-based trace-ID ratio: a trusted proxy's decision wins).
	SampleRatio float64 `env:"OTEL_TRACES_SAMPLER_ARG" envDefault:"1" validate:"min=0,max=1"`
}

// Enabled reports whether tracing is on.
func (t TracingConfig) Enabled() bool { return t.Endpoint != "" }

// problems checks what the validate tags cannot.
func (t TracingConfig) problems() []string {
	if t.Endpoint == "" {
		return nil
	}
	u, err := url.Parse(t.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return []string{fmt.Sprintf("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) base URL like http://localhost:4318, not %q", t.Endpoint)}
	}
	return nil
}
