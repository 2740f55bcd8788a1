package app

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkStreamMemory opens 1,000 streams of GET /tasks/events through
// the whole application (its middleware, the session, the feature's
// authorization and the broker) and reports the process's heap and
// goroutine-stack growth per stream, after five GCs (an idle goroutine's
// stack is halved at most once per GC). The clients are raw connections in
// this process that read the stream's start and then nothing; their side
// (a socket's descriptor, a few hundred bytes) is counted too.
// internal/platform/sse's BenchmarkIdleSubscriberMemory is the same without
// the application around the broker.
func BenchmarkStreamMemory(b *testing.B) {
	const n = 1000
	env := testEnv(b)
	env["LOG_LEVEL"] = "info" // a stream logs when it ends: nothing kept in the log buffer while they are open
	a := startApp(b, env)
	c := signUpClient(b, a.URL, "memory@example.com")
	base, _ := url.Parse(a.URL)
	var cookie strings.Builder
	for _, k := range c.Jar.Cookies(base) {
		fmt.Fprintf(&cookie, "%s=%s; ", k.Name, k.Value)
	}
	// What a browser's EventSource sends, give or take its user agent.
	request := fmt.Sprintf("GET /tasks/events HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n"+
		"Cache-Control: no-cache\r\nAccept-Encoding: gzip, deflate, br\r\nCookie: %s\r\n\r\n", base.Host, cookie.String())
	buf := make([]byte, 16<<10)
	for range b.N {
		heap0, stack0 := appMemInUse()
		conns := make([]net.Conn, 0, n)
		for range n {
			conn, err := net.Dial("tcp", base.Host)
			if err != nil {
				b.Fatal(err)
			}
			conns = append(conns, conn)
			if _, err := conn.Write([]byte(request)); err != nil {
				b.Fatal(err)
			}
			if err := readStart(conn, buf); err != nil {
				b.Fatal(err)
			}
		}
		heap1, stack1 := appMemInUse()
		perStream := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n / 1024 }
		b.ReportMetric(perStream(heap1+stack1, heap0+stack0), "KiB/stream")
		b.ReportMetric(perStream(stack1, stack0), "stack-KiB/stream")
		for _, conn := range conns {
			conn.Close()
		}
	}
}

// readStart reads a stream's response up to its "retry:" line, or fails
// on another status or after 10s.
func readStart(conn net.Conn, buf []byte) error {
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := 0
	for !bytes.Contains(buf[:got], []byte("retry: ")) {
		k, err := conn.Read(buf[got:])
		if err != nil {
			return fmt.Errorf("stream start: %w (read %q)", err, buf[:got])
		}
		got += k
	}
	if !bytes.HasPrefix(buf[:got], []byte(fmt.Sprintf("HTTP/1.1 %d", http.StatusOK))) {
		return fmt.Errorf("stream start: %q", buf[:got])
	}
	return conn.SetReadDeadline(time.Time{})
}

// appMemInUse is the heap in use and the goroutine stacks, after five GCs.
func appMemInUse() (heap, stack uint64) {
	for range 5 {
		runtime.GC()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.StackInuse
}
