package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRiverLoggerDropsDebug(t *testing.T) {
	var buf bytes.Buffer
	log := riverLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Debug("leadership.Elector: attempting reelect")
	log.With("queue", "default").WithGroup("g").Debug("job stats")
	log.Info("client started")
	out := buf.String()
	if strings.Contains(out, "reelect") || strings.Contains(out, "job stats") || !strings.Contains(out, `msg="client started" component=jobs`) {
		t.Errorf("River's log: %q, want its Info lines only", out)
	}
}
