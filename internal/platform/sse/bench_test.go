//go:build unix

// (unix: getrusage, for the server's CPU time per fan-out.)

package sse_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// The benchmarks' clients run in a child process (this test binary, started
// again with clientEnv set): the server process then holds only server-side
// connections, its CPU time is its own, and 10,000 streams need 10,000 file
// descriptors per process, not 20,000. Both processes share the machine's
// CPUs, as a server and its load balancer on one host would.
const clientEnv = "SSE_BENCH_CLIENT" // "fanout|idle ADDR N"

func TestMain(m *testing.M) {
	if spec := os.Getenv(clientEnv); spec != "" {
		os.Exit(runClients(spec))
	}
	os.Exit(m.Run())
}

// BenchmarkFanOut publishes one event to 1,000 subscribers, each streamed
// over its own loopback HTTP connection to a client process, and reports
// the time from Publish to each client reading the event (the event
// carries its publish time): p50 and p99 over all deliveries, after 10
// fan-outs of warm-up. One op = one event delivered to every subscriber;
// the next is published once the client process has them all. cpu-µs/op is the server process's CPU time
// (user + system, so including the kernel's loopback sends) per fan-out.
// Commit-to-delivery adds the NOTIFY round trip and one log read per
// instance; see tasks.BenchmarkCommitToDelivery.
func BenchmarkFanOut(b *testing.B) {
	const subscribers = 1000
	broker := sse.NewBroker(sse.Options{})
	srv := streamServer(b, broker)
	c := startClients(b, "fanout", srv.Listener.Addr().String(), subscribers)
	waitSubscribers(b, broker, subscribers)
	fanOut := func(id int64, sent int64) {
		data := `{"task_id":1,"sent":` + strconv.FormatInt(sent, 10) + `}`
		broker.Publish(sse.Event{ID: id, Name: "task.updated", Data: data}, "t")
		if !c.out.Scan() { // the client's "delivered to all" line
			b.Fatalf("client process: %v", c.out.Err())
		}
	}
	// Warm-up, not counted ("sent" 0): the first events grow the streams'
	// stacks and buffers in both processes.
	const warmUp = 10
	for i := range warmUp {
		fanOut(int64(i+1), 0)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := range b.N {
		fanOut(int64(warmUp+i+1), time.Now().UnixNano())
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	c.in.Close() // the client prints every latency and exits
	var lat []time.Duration
	for c.out.Scan() {
		ns, err := strconv.ParseInt(c.out.Text(), 10, 64)
		if err != nil {
			b.Fatalf("client process: %q", c.out.Text())
		}
		lat = append(lat, time.Duration(ns))
	}
	if len(lat) != b.N*subscribers {
		b.Fatalf("%d latencies, want %d", len(lat), b.N*subscribers)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	broker.Close()
}

// BenchmarkIdleSubscriberMemory opens n streams from a client process
// (that reads each stream's start and one event, then nothing), and
// reports the server's heap
// and goroutine-stack growth per stream: connection, net/http's buffers,
// the request, Serve's goroutine and net/http's background-read goroutine,
// the subscriber and its buffer. It is measured after two GCs: an idle
// goroutine's stack is halved at most once per GC, and a long-running
// server has had many.
func BenchmarkIdleSubscriberMemory(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				broker := sse.NewBroker(sse.Options{})
				srv := streamServer(b, broker)
				heap0, stack0 := memInUse()
				c := startClients(b, "idle", srv.Listener.Addr().String(), n)
				// Every stream past its start and one event, so that the
				// stack a write needs is counted too.
				waitLine(b, c, "started")
				broker.Publish(sse.Event{ID: 1, Name: "task.updated", Data: `{"task_id":1}`}, "t")
				waitLine(b, c, "delivered")
				heap1, stack1 := memInUse()
				perSub := func(a, b uint64) float64 { return float64(a-b) / float64(n) / 1024 }
				b.ReportMetric(perSub(heap1+stack1, heap0+stack0), "KiB/subscriber")
				b.ReportMetric(perSub(stack1, stack0), "stack-KiB/subscriber")
				b.ReportMetric(float64(runtime.NumGoroutine())/float64(n), "goroutines/subscriber")
				broker.Close()
				c.in.Close()
				srv.Close()
			}
		})
	}
}

func streamServer(b *testing.B, broker *sse.Broker) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := broker.Subscribe("t")
		if err != nil {
			return
		}
		_ = broker.Serve(w, r, sub, 0, nil)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func waitLine(b *testing.B, c clients, want string) {
	if !c.out.Scan() || c.out.Text() != want {
		b.Fatalf("client process: got %q (%v), want %q", c.out.Text(), c.out.Err(), want)
	}
}

// clients is the client process: closing in ends it; out are its lines.
type clients struct {
	in  io.WriteCloser
	out *bufio.Scanner
}

func startClients(b *testing.B, mode, addr string, n int) clients {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d", clientEnv, mode, addr, n))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	return clients{in: in, out: bufio.NewScanner(out)}
}

// runClients is the client process: it opens n streams to addr and, in
// "fanout" mode, reads them, printing a line each time every stream has
// the latest event and, once stdin closes, every latency in nanoseconds.
// Each stream's reader does the least it can (one read, one clock reading,
// an append to its own slice), so the server is what is measured.
func runClients(spec string) int {
	var mode, addr string
	var n int
	if _, err := fmt.Sscanf(spec, "%s %s %d", &mode, &addr, &n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	var delivered atomic.Int64
	lat := make([][]time.Duration, n)
	conns := make([]net.Conn, 0, n) // held: an unreachable conn is closed by its finalizer
	for i := range n {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			_, err = fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		conns = append(conns, conn)
		if mode != "fanout" {
			continue // idle: read below, then never again
		}
		go func() {
			buf := make([]byte, 4096)
			lat[i] = make([]time.Duration, 0, 1024)
			for {
				k, err := conn.Read(buf)
				if err != nil {
					return
				}
				now := time.Now().UnixNano()
				// Events come one at a time: a read holds at most one.
				_, rest, ok := bytes.Cut(buf[:k], []byte(`"sent":`))
				if !ok {
					continue // the response header and retry:
				}
				end := bytes.IndexByte(rest, '}')
				if sent, _ := strconv.ParseInt(string(rest[:max(end, 0)]), 10, 64); sent != 0 {
					lat[i] = append(lat[i], time.Duration(now-sent))
				}
				if delivered.Add(1)%int64(n) == 0 {
					fmt.Println() // unbuffered: the server waits for it
				}
			}
		}()
	}
	if mode == "idle" {
		// Each stream's start, then its one event, then nothing.
		buf := make([]byte, 4096)
		for _, step := range []struct{ until, say string }{{"retry: ", "started"}, {"id: 1", "delivered"}} {
			for _, conn := range conns {
				if err := readConnUntil(conn, buf, step.until); err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 1
				}
			}
			fmt.Println(step.say)
		}
	}
	// Until the benchmark closes stdin. Every append happened before the
	// count that acknowledged its event, so all are in lat now.
	_, _ = io.Copy(io.Discard, os.Stdin)
	if mode == "fanout" {
		for _, l := range lat {
			for _, d := range l {
				fmt.Fprintln(out, int64(d))
			}
		}
	}
	if err := out.Flush(); err != nil {
		return 1
	}
	runtime.KeepAlive(conns)
	return 0
}

// readConnUntil reads conn until what it read holds want.
func readConnUntil(conn net.Conn, buf []byte, want string) error {
	got := 0
	for !bytes.Contains(buf[:got], []byte(want)) {
		if got == len(buf) {
			got = copy(buf, buf[got-len(want):got])
		}
		k, err := conn.Read(buf[got:])
		if err != nil {
			return fmt.Errorf("reading until %q: %w", want, err)
		}
		got += k
	}
	return nil
}

func waitSubscribers(b *testing.B, broker *sse.Broker, n int) {
	for deadline := time.Now().Add(120 * time.Second); broker.Len() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d subscribers after 120s", broker.Len(), n)
		}
	}
}

// memInUse is the heap in use and the goroutine stacks, after two GCs.
func memInUse() (heap, stack uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.StackInuse
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
