package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// errHeaderInjection is returned for a To or Subject that contains CR or LF,
// which would let the value add headers of its own.
var errHeaderInjection = errors.New("header value contains CR or LF")

// build validates m and returns the recipient's address and the message in
// RFC 5322 form with CRLF line endings: a multipart/alternative with a
// text/plain and a text/html part (whichever bodies are set), both
// quoted-printable.
func build(m Message, from *mail.Address, now time.Time) (rcpt string, raw []byte, err error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return "", nil, errHeaderInjection
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return "", nil, fmt.Errorf("recipient: %w", err)
	}
	if m.Text == "" && m.HTML == "" {
		return "", nil, errors.New("message has no body")
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	header := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	// A long subject becomes several encoded-words; folding between them
	// keeps lines short, and decoders drop the folding whitespace.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("utf-8", m.Subject), "?= =?", "?=\r\n =?"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")

	// Plain text first: in multipart/alternative the last part is the
	// preferred one.
	for _, p := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if p.body == "" {
			continue
		}
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ctype + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return "", nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(p.body)); err != nil {
			return "", nil, err
		}
		if err := qp.Close(); err != nil {
			return "", nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return "", nil, err
	}
	return to.Address, buf.Bytes(), nil
}

// messageID returns a random Message-ID in the sender's domain.
func messageID(fromAddr string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(fromAddr, '@'); i >= 0 {
		domain = fromAddr[i+1:]
	}
	b := make([]byte, 16)
	rand.Read(b) // never fails since Go 1.24
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}
