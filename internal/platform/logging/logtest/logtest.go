// Package logtest captures JSON log output in tests and reads it back.
package logtest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Buffer collects log output. It is safe for concurrent writers (request
// goroutines, background senders).
type Buffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

// New returns a JSON logger at level and the Buffer it writes to.
func New(level slog.Level) (*slog.Logger, *Buffer) {
	b := &Buffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: level})), b
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reset discards everything written so far.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// Lines decodes every line as a JSON object; a line that is not JSON fails
// the test (a log line must never be broken by its content).
func (b *Buffer) Lines(t testing.TB) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// WithMsg returns the lines whose "msg" is msg.
func (b *Buffer) WithMsg(t testing.TB, msg string) []map[string]any {
	t.Helper()
	return b.where(t, "msg", msg)
}

// WithLevel returns the lines at level ("DEBUG", "INFO", "WARN", "ERROR").
func (b *Buffer) WithLevel(t testing.TB, level string) []map[string]any {
	t.Helper()
	return b.where(t, "level", level)
}

func (b *Buffer) where(t testing.TB, key, value string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range b.Lines(t) {
		if l[key] == value {
			out = append(out, l)
		}
	}
	return out
}
