package mail_test

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gomail "github.com/groundwork-dev/groundwork/internal/platform/mail"
)

// fakeSMTP is a minimal SMTP server on 127.0.0.1: EHLO (advertising AUTH
// PLAIN, no STARTTLS), AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT. It records
// one session per DATA.
type fakeSMTP struct {
	addr       string
	rejectRcpt bool
	conns      atomic.Int32

	mu       sync.Mutex
	sessions []session
}

type session struct {
	auth, from string
	rcpt       []string
	data       []byte
}

func startSMTP(t *testing.T, rejectRcpt bool) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &fakeSMTP{addr: ln.Addr().String(), rejectRcpt: rejectRcpt}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go s.handle(conn)
		}
	}()
	return s
}

func (s *fakeSMTP) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	var cur session
	tp.PrintfLine("220 fake.test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			tp.PrintfLine("250-fake.test")
			tp.PrintfLine("250 AUTH PLAIN")
		case "HELO", "NOOP":
			tp.PrintfLine("250 ok")
		case "RSET":
			cur = session{}
			tp.PrintfLine("250 ok")
		case "AUTH":
			cur.auth = arg
			tp.PrintfLine("235 2.7.0 authenticated")
		case "MAIL":
			cur.from = arg
			tp.PrintfLine("250 ok")
		case "RCPT":
			if s.rejectRcpt {
				tp.PrintfLine("550 5.1.1 no such user")
				continue
			}
			cur.rcpt = append(cur.rcpt, arg)
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 end with <CRLF>.<CRLF>")
			if cur.data, err = tp.ReadDotBytes(); err != nil {
				return
			}
			s.mu.Lock()
			s.sessions = append(s.sessions, cur)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func (s *fakeSMTP) received() []session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]session(nil), s.sessions...)
}

func newSender(t *testing.T, rawURL string) *gomail.SMTPSender {
	t.Helper()
	s, err := gomail.NewSMTPSender(rawURL, "Groundwork <no-reply@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
