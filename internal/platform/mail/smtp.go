package mail

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"time"
)

const (
	dialTimeout = 10 * time.Second
	// sendTimeout bounds a whole SMTP conversation when ctx has no earlier
	// deadline.
	sendTimeout = 30 * time.Second
)

// SMTPSender sends mail through an SMTP server. It is safe for concurrent
// use; each Send opens its own connection.
//
// Why net/smtp and not github.com/wneessen/go-mail: what is needed here is
// one message per connection, STARTTLS or implicit TLS, PLAIN auth only
// over TLS, and deadlines from ctx, which these 170 lines do on the
// standard library (frozen, but kept secure by the Go team). go-mail earns
// its place once the product needs attachments, DKIM, connection reuse or
// other auth mechanisms; Sender is the seam to swap it in.
type SMTPSender struct {
	addr     string // host:port
	host     string
	implicit bool // smtps: TLS from the first byte
	auth     smtp.Auth
	from     *mail.Address
}

// NewSMTPSender returns a sender for rawURL, smtp://user:pass@host:port or
// smtps://user:pass@host:port (credentials optional), sending from the
// address from ("Groundwork <no-reply@example.com>").
//
// smtp:// (port 587 by default) upgrades with STARTTLS when the server
// offers it; smtps:// (port 465 by default) uses TLS from the start. With
// credentials it authenticates with PLAIN, which net/smtp only allows over
// TLS or to localhost, so Send fails rather than send a password in clear.
// Errors never include the URL, which may hold a password.
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("mail: parse SMTP URL: %w", err)
	}
	s := &SMTPSender{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		port = cmp.Or(port, "587")
	case "smtps":
		port = cmp.Or(port, "465")
		s.implicit = true
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q, want smtp or smtps", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("mail: SMTP URL has a path, query or fragment, which are not supported")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pass, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, s.host)
	}
	if s.from, err = mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail: from address: %w", err)
	}
	return s, nil
}

// Send delivers m. It checks m before connecting (a To or Subject with CR
// or LF, an unparsable To and an empty message are errors), dials within
// ctx and at most 10 s, and abandons the conversation when ctx ends or
// after 30 s. SMTP failures, such as a rejected recipient, are returned
// wrapped.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	rcpt, raw, err := build(m, s.from, time.Now())
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("mail: send: dial %s: %w", s.addr, err)
	}
	deadline := time.Now().Add(sendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	// Cancellation without a deadline still ends a stuck conversation.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if err := s.converse(conn, rcpt, raw); err != nil {
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}

func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	d := &net.Dialer{}
	if s.implicit {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", s.addr)
	}
	return d.DialContext(ctx, "tcp", s.addr)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// converse runs the SMTP dialogue on conn: EHLO, STARTTLS if offered, AUTH,
// MAIL, RCPT, DATA, QUIT.
func (s *SMTPSender) converse(conn net.Conn, rcpt string, raw []byte) error {
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		}
	}
	if s.auth != nil {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("server does not offer AUTH")
		}
		if err := c.Auth(s.auth); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("quit: %w", err)
	}
	return nil
}
