package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"

	gomail "github.com/groundwork-dev/groundwork/internal/platform/mail"
)

func TestSMTPSend(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, false)
	s := newSender(t, "smtp://user:hunter2@"+srv.addr)
	msg := gomail.Message{
		To:      "Zoë Ada <ada@example.com>",
		Subject: "Réinitialisez votre mot de passe : un sujet assez long pour être coupé en deux 🔑",
		Text:    "Hi Zoë,\n\nReset: https://example.com/reset?a=1&b=2\n\n" + strings.Repeat("long line ", 20) + "\n.\nend\n",
		HTML:    `<p>Hi Zoë,</p><p><a href="https://example.com/reset?a=1&amp;b=2">Reset</a></p>`,
	}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	sess := got[0]

	if want := "PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00user\x00hunter2")); sess.auth != want {
		t.Errorf("AUTH %q, want %q", sess.auth, want)
	}
	if !strings.HasPrefix(sess.from, "FROM:<no-reply@example.com>") {
		t.Errorf("MAIL %q, want FROM:<no-reply@example.com>", sess.from)
	}
	if len(sess.rcpt) != 1 || sess.rcpt[0] != "TO:<ada@example.com>" {
		t.Errorf("RCPT %q, want [TO:<ada@example.com>]", sess.rcpt)
	}

	m, err := mail.ReadMessage(bytes.NewReader(sess.data))
	if err != nil {
		t.Fatalf("mail.ReadMessage: %v\n%s", err, sess.data)
	}
	raw := m.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("raw Subject %q, want an RFC 2047 Q-encoded word", raw)
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || subj != msg.Subject {
		t.Errorf("decoded Subject = %q, %v, want %q", subj, err, msg.Subject)
	}
	if to, err := m.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Zoë Ada" || to[0].Address != "ada@example.com" {
		t.Errorf("To = %v, %v, want Zoë Ada <ada@example.com>", to, err)
	}
	if from, err := m.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "no-reply@example.com" {
		t.Errorf("From = %v, %v, want no-reply@example.com", from, err)
	}
	if d, err := m.Header.Date(); err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("Date = %v, %v, want about now", d, err)
	}
	if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID = %q, want <…@example.com>", id)
	}
	if v := m.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", v)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, %v, want multipart/alternative", m.Header.Get("Content-Type"), err)
	}

	mr := multipart.NewReader(m.Body, params["boundary"])
	for _, want := range []struct{ ctype, body string }{
		{"text/plain; charset=utf-8", msg.Text},
		{"text/html; charset=utf-8", msg.HTML},
	} {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("part %s: %v", want.ctype, err)
		}
		if got := p.Header.Get("Content-Type"); got != want.ctype {
			t.Errorf("part Content-Type = %q, want %q", got, want.ctype)
		}
		if got := p.Header.Get("Content-Transfer-Encoding"); got != "quoted-printable" {
			t.Errorf("%s Content-Transfer-Encoding = %q, want quoted-printable", want.ctype, got)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("%s: decode: %v", want.ctype, err)
		}
		if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != want.body {
			t.Errorf("%s body = %q, want %q", want.ctype, got, want.body)
		}
	}
	if _, err := mr.NextRawPart(); err != io.EOF {
		t.Errorf("after two parts: %v, want io.EOF", err)
	}
}

func TestSMTPSendASCIISubjectUnencoded(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, false)
	s := newSender(t, "smtp://"+srv.addr)
	if err := s.Send(context.Background(), gomail.Message{To: "ada@example.com", Subject: "Verify your email", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(srv.received()[0].data))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Header.Get("Subject"); got != "Verify your email" {
		t.Errorf("Subject = %q, want it unencoded", got)
	}
	if srv.received()[0].auth != "" {
		t.Error("sender without credentials sent AUTH")
	}
}

func TestSMTPSendRejectsBadMessageBeforeConnecting(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, false)
	s := newSender(t, "smtp://"+srv.addr)
	for _, m := range []gomail.Message{
		{To: "ada@example.com\r\nBcc: eve@example.com", Subject: "hi", Text: "x"},
		{To: "ada@example.com\n", Subject: "hi", Text: "x"},
		{To: "ada@example.com", Subject: "hi\r\nBcc: eve@example.com", Text: "x"},
		{To: "ada@example.com", Subject: "hi\rthere", Text: "x"},
		{To: "not an address", Subject: "hi", Text: "x"},
		{To: "ada@example.com", Subject: "no body"},
	} {
		if err := s.Send(context.Background(), m); err == nil {
			t.Errorf("Send(%q, %q) = nil, want an error", m.To, m.Subject)
		}
	}
	time.Sleep(50 * time.Millisecond) // let a stray connection be counted
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("server saw %d connections, want 0", n)
	}
}

func TestSMTPSendRecipientRejected(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, true)
	s := newSender(t, "smtp://"+srv.addr)
	err := s.Send(context.Background(), gomail.Message{To: "nobody@example.com", Subject: "hi", Text: "x"})
	var tpErr *textproto.Error
	if !errors.As(err, &tpErr) || tpErr.Code != 550 {
		t.Errorf("Send() to a rejected recipient = %v, want a wrapped 550 *textproto.Error", err)
	}
	if n := len(srv.received()); n != 0 {
		t.Errorf("server stored %d messages, want 0", n)
	}
}

func TestSMTPSendRespectsContext(t *testing.T) {
	t.Parallel()
	// A server that accepts and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // subtests are parallel: not defer
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for name, addr := range map[string]string{
		"silent server":   ln.Addr().String(),
		"unroutable host": "10.255.255.1:25",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSender(t, "smtp://"+addr)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := s.Send(ctx, gomail.Message{To: "ada@example.com", Subject: "hi", Text: "x"})
			if err == nil {
				t.Fatal("Send() = nil, want an error")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Send() took %v with a 300ms deadline", d)
			}
		})
	}
	t.Run("cancelled without deadline", func(t *testing.T) {
		t.Parallel()
		s := newSender(t, "smtp://"+ln.Addr().String())
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		err := s.Send(ctx, gomail.Message{To: "ada@example.com", Subject: "hi", Text: "x"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send() = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Send() took %v after cancel at 200ms", d)
		}
	})
}

func TestNewSMTPSender(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"smtp://localhost:1025", "smtp://u:p@mail.example.com", "smtps://u:p@mail.example.com:465", "smtp://[::1]:25/"} {
		if _, err := gomail.NewSMTPSender(ok, "no-reply@example.com"); err != nil {
			t.Errorf("NewSMTPSender(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"", "http://mail.example.com", "smtp://", "smtp://u:p@mail.example.com/path",
		"smtp://mail.example.com?tls=0", "smtp://user:hunter2@mail.example.com:port", "smtp://user:hunter2@%zz",
	} {
		_, err := gomail.NewSMTPSender(bad, "no-reply@example.com")
		if err == nil {
			t.Errorf("NewSMTPSender(%q) = nil, want an error", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewSMTPSender(%q) error %q contains the password", bad, err)
		}
	}
	if _, err := gomail.NewSMTPSender("smtp://localhost:25", "not an address"); err == nil {
		t.Error("NewSMTPSender with a bad from address = nil, want an error")
	}
}
