package sse

import (
	"bytes"
	"net"
	"net/http"
	"time"
)

// serveConn streams sub over conn, a connection Serve took over after
// writing nothing: head is the response head to send first. It runs on a
// goroutine of its own, started with a small stack and kept shallow, and
// starts one more that waits for the client to leave (a read that returns
// only when the connection closes, or if the client sends anything). An
// idle stream then costs these two small stacks, the connection and the
// subscriber, and nothing of the request or of net/http's per-connection
// buffers. The stream ends as Serve describes; then sub is unsubscribed and
// the connection closed, which is how the client sees the response end.
func (b *Broker) serveConn(conn net.Conn, head []byte, sub *Subscriber, after int64, replay []Event) {
	defer conn.Close()       // last: the client sees the end after the broker forgot the stream
	defer b.streamEnded(sub) // first
	out := &connSink{conn: conn, buf: head}
	s := &stream{out: out, timeout: b.opts.WriteTimeout, last: after}
	if err := b.start(s, nil, replay); err != nil || s.err != nil {
		return // no reader goroutine for a stream that already failed
	}
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		var one [1]byte
		_, _ = conn.Read(one[:])
	}()
	s.loop(gone, sub.events, b.done)
}

// responseHead is the head of a stream's response with the headers h
// (the middleware's, and the stream's own): 200, no length, no chunking,
// delimited by the connection's close.
func responseHead(h http.Header) []byte {
	setHeaders(h)
	h.Set("Connection", "close")
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	var buf bytes.Buffer
	buf.WriteString("HTTP/1.1 200 OK\r\n")
	_ = h.Write(&buf) // a bytes.Buffer does not fail
	buf.WriteString("\r\n")
	return buf.Bytes()
}

// connSink gathers a batch of writes and sends it in one write on Flush,
// or sooner once it holds batchLimit (a stream far behind, a large replay).
type connSink struct {
	conn net.Conn
	buf  []byte
}

const batchLimit = 32 << 10

func (c *connSink) Write(p []byte) (int, error) {
	if len(c.buf) > 0 && len(c.buf)+len(p) > batchLimit {
		if err := c.Flush(); err != nil {
			return 0, err
		}
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

func (c *connSink) SetWriteDeadline(t time.Time) error { return c.conn.SetWriteDeadline(t) }

// Flush writes the batch. A large batch's buffer is let go rather than
// kept by an idle stream.
func (c *connSink) Flush() error {
	_, err := c.conn.Write(c.buf)
	if cap(c.buf) > 1024 {
		c.buf = nil
	} else {
		c.buf = c.buf[:0]
	}
	return err
}
