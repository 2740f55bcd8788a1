// Package mail sends email: a Message, the Sender interface, and three
// senders: SMTPSender for production (SMTP_URL), LogSender for development
// and Capture for tests.
//
// Emails are templ components, one for the HTML body and one for the plain
// text body; Render turns them into a Message. Plain-text bodies use Text,
// because templ HTML-escapes expressions.
package mail

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/a-h/templ"
)

// Message is one email to one recipient. To is an RFC 5322 address
// ("ada@example.com" or "Ada <ada@example.com>"). Text and HTML are the two
// alternative bodies; at least one must be set.
type Message struct {
	To, Subject, Text, HTML string
}

// Sender sends a Message. Implementations: SMTPSender, LogSender, Capture.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Render renders html and text into a Message for to with subject. Either
// component may be nil, which leaves that body empty. A render error is
// returned wrapped.
//
//	msg, err := mail.Render(ctx, u.Email, "Reset your password",
//		ResetEmail(link),                                   // templ component
//		mail.Text("Open this link to reset your password:\n\n%s\n", link))
func Render(ctx context.Context, to, subject string, html, text templ.Component) (Message, error) {
	m := Message{To: to, Subject: subject}
	var err error
	if m.HTML, err = renderString(ctx, html); err != nil {
		return Message{}, fmt.Errorf("mail: render html: %w", err)
	}
	if m.Text, err = renderString(ctx, text); err != nil {
		return Message{}, fmt.Errorf("mail: render text: %w", err)
	}
	return m, nil
}

func renderString(ctx context.Context, c templ.Component) (string, error) {
	if c == nil {
		return "", nil
	}
	var b strings.Builder
	if err := c.Render(ctx, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Text returns a component that writes fmt.Sprintf(format, args...) as is,
// without HTML escaping: use it for plain-text bodies, where "&" must stay
// "&" (templ would write "&amp;"). Never use it for an HTML body.
func Text(format string, args ...any) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, format, args...)
		return err
	})
}
