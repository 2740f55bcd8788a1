package app

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/groundwork-dev/groundwork/internal/account"
)

const (
	proxyTraceID     = "4bf92f3577b34da6a3ce929d0e0e4736"
	proxyTraceparent = "00-" + proxyTraceID + "-00f067aa0ba902b7-01"
)

// requestTrace checks that every log line of the request with ID rid
// (at least min of them) carries the same trace_id, and returns it.
func requestTrace(t *testing.T, st *obsStack, rid string, min int) string {
	t.Helper()
	var lines []map[string]any
	for _, l := range st.logs.Lines(t) {
		if l["request_id"] == rid {
			lines = append(lines, l)
		}
	}
	if len(lines) < min {
		t.Fatalf("request %s has %d log lines, want at least %d:\n%s", rid, len(lines), min, st.logs)
	}
	id, _ := lines[0]["trace_id"].(string)
	for _, l := range lines {
		if l["trace_id"] != id || id == "" {
			t.Errorf("log line %q has trace_id %v, want %q on every line of the request", l["msg"], l["trace_id"], id)
		}
	}
	return id
}

// spansOf returns the recorded spans of trace id; every span recorded
// must belong to it (the exporter was reset before the one request).
func spansOf(t *testing.T, st *obsStack, id string) map[string][]sdktrace.ReadOnlySpan {
	t.Helper()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range st.spans.GetSpans().Snapshots() {
		if s.SpanContext().TraceID().String() != id {
			t.Errorf("span %q is in trace %v, want the request's %s", s.Name(), s.SpanContext().TraceID(), id)
		}
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	return byName
}

func one(t *testing.T, spans map[string][]sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	if len(spans[name]) != 1 {
		t.Fatalf("want one %q span, got %d (spans: %v)", name, len(spans[name]), names(spans))
	}
	return spans[name][0]
}

func names(spans map[string][]sdktrace.ReadOnlySpan) map[string]int {
	n := map[string]int{}
	for k, v := range spans {
		n[k] = len(v)
	}
	return n
}

// TestTracingOneRequest: with tracing on (an in-memory exporter), one
// request makes a server span, a service span under it and SQL spans under
// that, all in the trace whose ID is on every log line of the request.
// A traceparent from an untrusted peer is ignored.
func TestTracingOneRequest(t *testing.T) {
	t.Parallel()
	st := newObsStack(t, true, nil)
	c := st.client(t)
	if _, err := st.f.accounts.CreateUser(context.Background(), "alice@example.com", alicePassword, account.RoleUser, true); err != nil {
		t.Fatal(err)
	}

	// Sign-in: the auth event and the access log line share the trace ID.
	st.spans.Reset()
	resp := send(t, c, "POST", st.URL+"/login", url.Values{"email": {"alice@example.com"}, "password": {alicePassword}},
		"traceparent", proxyTraceparent)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", resp.StatusCode)
	}
	id := requestTrace(t, st, resp.Header.Get("X-Request-ID"), 2)
	if id == proxyTraceID {
		t.Error("the trace of an untrusted client's traceparent was continued")
	}
	spans := spansOf(t, st, id)
	server := one(t, spans, "POST /login")
	if server.SpanKind() != trace.SpanKindServer || server.Parent().IsValid() {
		t.Errorf("POST /login span: kind %v, parent %v; want a root server span", server.SpanKind(), server.Parent())
	}
	if len(spans["SELECT"]) == 0 {
		t.Errorf("no SQL span for the sign-in (spans: %v)", names(spans))
	}

	// Creating a task: HTTP → service → SQL, one trace.
	st.spans.Reset()
	resp = send(t, c, "POST", st.URL+"/tasks", url.Values{"title": {"traced"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	id = requestTrace(t, st, resp.Header.Get("X-Request-ID"), 1)
	spans = spansOf(t, st, id)
	server = one(t, spans, "POST /tasks")
	svc := one(t, spans, "tasks.Service.Create")
	if svc.Parent().SpanID() != server.SpanContext().SpanID() {
		t.Errorf("the service span's parent is %v, want the server span", svc.Parent().SpanID())
	}
	// The transaction, the task and its "created" event (the session's
	// own INSERT hangs under the server span).
	for op, want := range map[string]int{"BEGIN": 1, "INSERT": 2, "COMMIT": 1} {
		under := 0
		for _, s := range spans[op] {
			if s.Parent().SpanID() == svc.SpanContext().SpanID() {
				under++
			}
		}
		if under != want {
			t.Errorf("%d %s spans under the service span, want %d (spans: %v)", under, op, want, names(spans))
		}
	}
}

// TestTracingTrustedProxy: behind a trusted proxy the proxy's trace is
// continued, and the log line carries its ID.
func TestTracingTrustedProxy(t *testing.T) {
	t.Parallel()
	st := newObsStack(t, true, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1/32"} })
	resp := send(t, st.client(t), "GET", st.URL+"/health", nil, "traceparent", proxyTraceparent)
	if id := requestTrace(t, st, resp.Header.Get("X-Request-ID"), 1); id != proxyTraceID {
		t.Errorf("trace_id = %s, want the proxy's %s", id, proxyTraceID)
	}
	server := one(t, spansOf(t, st, proxyTraceID), "GET /health")
	if server.Parent().SpanID().String() != "00f067aa0ba902b7" || !server.Parent().IsRemote() {
		t.Errorf("server span parent = %v, want the proxy's span", server.Parent())
	}
}
