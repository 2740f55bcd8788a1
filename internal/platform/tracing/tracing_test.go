package tracing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// newTestProvider records every span in memory, synchronously.
func newTestProvider(t *testing.T) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := NewProviderWith(sdktrace.NewSimpleSpanProcessor(exp), Config{ServiceName: "test", SampleRatio: 1})
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

const (
	proxyTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceparent  = "00-" + proxyTraceID + "-00f067aa0ba902b7-01"
)

func TestMiddleware(t *testing.T) {
	tp, exp := newTestProvider(t)
	mw, err := Middleware(tp, []string{"10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	var inside trace.SpanContext
	r := chi.NewRouter()
	r.Use(mw)
	r.Get("/tasks/{id}", func(w http.ResponseWriter, r *http.Request) {
		inside = trace.SpanContextFromContext(r.Context())
		_, child := Start(r.Context(), "tasks.Service.Get")
		child.End()
		if chi.URLParam(r, "id") == "fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})

	tests := []struct {
		name, remote, target string
		wantProxyTrace       bool
		wantStatus           int
	}{
		{"untrusted peer starts a new trace", "192.0.2.7:4000", "/tasks/42", false, 200},
		{"trusted proxy's trace is continued", "10.1.2.3:4000", "/tasks/42", true, 200},
		{"5xx is an error span", "192.0.2.7:4000", "/tasks/fail", false, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp.Reset()
			req := httptest.NewRequest("GET", tt.target, nil)
			req.RemoteAddr = tt.remote
			req.Header.Set("traceparent", traceparent)
			r.ServeHTTP(httptest.NewRecorder(), req)

			spans := exp.GetSpans()
			if len(spans) != 2 {
				t.Fatalf("got %d spans, want 2 (service, server)", len(spans))
			}
			child, server := spans[0], spans[1]
			if server.Name != "GET /tasks/{id}" || server.SpanKind != trace.SpanKindServer {
				t.Errorf("server span = %q kind %v, want GET /tasks/{id} server", server.Name, server.SpanKind)
			}
			if child.Name != "tasks.Service.Get" || child.Parent.SpanID() != server.SpanContext.SpanID() {
				t.Errorf("service span %q has parent %v, want the server span %v", child.Name, child.Parent.SpanID(), server.SpanContext.SpanID())
			}
			if inside.TraceID() != server.SpanContext.TraceID() {
				t.Errorf("the handler's context has trace %v, the span %v", inside.TraceID(), server.SpanContext.TraceID())
			}
			continued := server.SpanContext.TraceID().String() == proxyTraceID
			if continued != tt.wantProxyTrace {
				t.Errorf("trace %v continues the proxy's = %v, want %v", server.SpanContext.TraceID(), continued, tt.wantProxyTrace)
			}
			attrs := attrMap(server.Attributes)
			if attrs["http.route"] != "/tasks/{id}" || attrs["http.response.status_code"] != int64(tt.wantStatus) {
				t.Errorf("attributes %v, want route /tasks/{id} and status %d", attrs, tt.wantStatus)
			}
			for k, v := range attrs {
				if s, ok := v.(string); ok && (s == tt.target || k == "url.path") {
					t.Errorf("the raw path is recorded in %s", k)
				}
			}
			if wantErr := tt.wantStatus >= 500; (server.Status.Code == codes.Error) != wantErr {
				t.Errorf("status %v, want error %v", server.Status, wantErr)
			}
		})
	}
}

// TestNewProviderExports sends a span to a fake OTLP/HTTP collector: the
// path, the protobuf body and the configured headers arrive.
func TestNewProviderExports(t *testing.T) {
	got := make(chan *http.Request, 1)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if len(body) > 0 {
			got <- r
		}
	}))
	defer collector.Close()
	tp, err := NewProvider(Config{Endpoint: collector.URL + "/", Headers: map[string]string{"x-api-key": "k1"},
		ServiceName: "test", SampleRatio: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("test").Start(context.Background(), "exported")
	span.End()
	if err := tp.Shutdown(context.Background()); err != nil { // flushes the batch
		t.Fatal(err)
	}
	select {
	case r := <-got:
		if r.Method != "POST" || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" ||
			r.Header.Get("x-api-key") != "k1" {
			t.Errorf("export = %s %s %q key %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("x-api-key"))
		}
	default:
		t.Fatal("nothing reached the collector")
	}
}

func TestMiddlewareRefusesABadProxy(t *testing.T) {
	tp, _ := newTestProvider(t)
	if _, err := Middleware(tp, []string{"10.0.0.0"}); err == nil {
		t.Error("Middleware accepted a trusted proxy that is not a CIDR")
	}
}

func TestStartWithoutTracing(t *testing.T) {
	ctx, span := Start(context.Background(), "x")
	if span.IsRecording() || trace.SpanContextFromContext(ctx).IsValid() {
		t.Error("Start outside a traced request recorded a span")
	}
	span.End() // must not panic
}

// TestSQLTracer runs statements on a real database: inside a recording
// span each is a child span with its text; outside, nothing is recorded.
func TestSQLTracer(t *testing.T) {
	tp, exp := newTestProvider(t)
	pool, err := postgres.Open(pgtest.NewEmptyDatabase(t), 2, postgres.WithTracer(SQLTracer{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)

	var n int
	if err := pool.QueryRow(context.Background(), "SELECT 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if got := len(exp.GetSpans()); got != 0 {
		t.Fatalf("a statement outside any span made %d spans", got)
	}

	ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
	if err := pool.QueryRow(ctx, "SELECT $1::int", 7).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "SELECT * FROM no_such_table"); err == nil {
		t.Fatal("query on a missing table succeeded")
	}
	parent.End()

	spans := exp.GetSpans()
	if len(spans) != 3 {
		t.Fatalf("got %d spans, want 3", len(spans))
	}
	for i, want := range []struct {
		text string
		err  bool
	}{{"SELECT $1::int", false}, {"SELECT * FROM no_such_table", true}} {
		s := spans[i]
		attrs := attrMap(s.Attributes)
		if s.Name != "SELECT" || attrs["db.query.text"] != want.text || attrs["db.system.name"] != "postgresql" {
			t.Errorf("span %d = %q %v, want SELECT with text %q", i, s.Name, attrs, want.text)
		}
		if s.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %d is not a child of the request span", i)
		}
		if (s.Status.Code == codes.Error) != want.err {
			t.Errorf("span %d status %v, want error %v", i, s.Status, want.err)
		}
		for _, a := range s.Attributes {
			if a.Value.Emit() == "7" {
				t.Errorf("span %d records the argument: %v", i, a)
			}
		}
	}
}

func TestOperation(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT 1": "SELECT", "  insert into t": "INSERT", "begin": "BEGIN", "WITH x AS (SELECT 1) SELECT": "WITH",
		"": "SQL", "-- comment\nSELECT 1": "SQL", "COMMIT": "COMMIT",
	} {
		if got := operation(sql); got != want {
			t.Errorf("operation(%q) = %q, want %q", sql, got, want)
		}
	}
}

func attrMap(kvs []attribute.KeyValue) map[string]any {
	m := map[string]any{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}
