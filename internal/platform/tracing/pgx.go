package tracing

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// SQLTracer is a pgx.QueryTracer and pgx.BatchTracer that records a client
// span for each SQL statement (each batch: one span, one event per
// statement) run under a recording span, that is, inside a traced request.
// The statement text is recorded (the repositories use placeholders, so it
// holds no values); arguments never are. Install it with
// postgres.WithTracer.
type SQLTracer struct{}

type sqlSpanKey struct{}

// TraceQueryStart starts the statement's span.
func (SQLTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return startSQL(ctx, operation(data.SQL), attribute.String("db.query.text", data.SQL))
}

// TraceQueryEnd ends it, with the error if the statement failed.
func (SQLTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	endSQL(ctx, data.Err, data.CommandTag.RowsAffected())
}

// TraceBatchStart starts a span for the whole batch.
func (SQLTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	return startSQL(ctx, "BATCH", attribute.Int("db.operation.batch.size", data.Batch.Len()))
}

// TraceBatchQuery adds one event per statement of the batch.
func (SQLTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	span, ok := ctx.Value(sqlSpanKey{}).(trace.Span)
	if !ok {
		return
	}
	attrs := []attribute.KeyValue{attribute.String("db.query.text", data.SQL)}
	if data.Err != nil {
		attrs = append(attrs, attribute.String("error", data.Err.Error()))
	}
	span.AddEvent("query", trace.WithAttributes(attrs...))
}

// TraceBatchEnd ends the batch's span.
func (SQLTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	endSQL(ctx, data.Err, -1)
}

func startSQL(ctx context.Context, name string, attrs ...attribute.KeyValue) context.Context {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx
	}
	attrs = append(attrs, attribute.String("db.system.name", "postgresql"))
	ctx, span := parent.TracerProvider().Tracer(scope).Start(ctx, name,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return context.WithValue(ctx, sqlSpanKey{}, span)
}

// endSQL ends the span startSQL put in ctx, if it did.
func endSQL(ctx context.Context, err error, rows int64) {
	span, ok := ctx.Value(sqlSpanKey{}).(trace.Span)
	if !ok {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "")
	} else if rows >= 0 {
		span.SetAttributes(attribute.Int64("db.rows_affected", rows))
	}
	span.End()
}

// operation is the statement's first keyword ("SELECT", "INSERT",
// "BEGIN"…), the span's name: bounded, unlike the text.
func operation(sql string) string {
	sql = strings.TrimSpace(sql)
	end := strings.IndexFunc(sql, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') })
	if end < 0 {
		end = len(sql)
	}
	if end == 0 || end > 16 {
		return "SQL"
	}
	return strings.ToUpper(sql[:end])
}
