package jobs

import (
	"context"
	"log/slog"
)

// riverLogger is log for River's own lines, at Info and above: its debug
// lines (a leader re-election and job statistics every few seconds) would
// drown the application's own debug lines in development.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(atLeast{Handler: log.Handler(), min: slog.LevelInfo}).With("component", "jobs")
}

// atLeast is a slog.Handler that drops records below min.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{Handler: h.Handler.WithGroup(name), min: h.min}
}
