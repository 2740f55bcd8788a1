package mail

import (
	"context"
	"log/slog"
	"slices"
	"sync"
)

// LogSender is the development sender: instead of sending, it logs each
// message, text body included, so a link in it can be copied from the
// terminal. It is for development only: the log line carries reset and
// verification tokens, which is why production refuses to boot without
// SMTP_URL.
type LogSender struct {
	log *slog.Logger
}

// NewLogSender returns a LogSender that logs to log.
func NewLogSender(log *slog.Logger) *LogSender {
	return &LogSender{log: log}
}

// Send logs m at info level with its recipient, subject and text body. It
// always returns nil.
func (s *LogSender) Send(ctx context.Context, m Message) error {
	s.log.InfoContext(ctx, "mail not sent (development)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// Capture is the test sender: it records every message instead of sending
// it. The zero value is ready to use, and it is safe for concurrent use.
type Capture struct {
	mu   sync.Mutex
	msgs []Message
}

// Send records m and returns nil.
func (c *Capture) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

// Messages returns a copy of the messages recorded so far, oldest first.
func (c *Capture) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.msgs)
}

// Last returns the most recent message, or false if none was sent.
func (c *Capture) Last() (Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.msgs) == 0 {
		return Message{}, false
	}
	return c.msgs[len(c.msgs)-1], true
}
