package sse_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// BenchmarkFanOut publishes one event to 1,000 subscribers, each streamed
// over its own loopback HTTP connection, and reports the time from Publish
// to each client reading the event: p50 and p99 over all deliveries (one
// op = one event delivered to every subscriber). Commit-to-delivery adds
// the NOTIFY round trip and one log read per instance; see
// tasks.BenchmarkCommitToDelivery.
func BenchmarkFanOut(b *testing.B) {
	const subscribers = 1000
	broker := sse.NewBroker(sse.Options{})
	srv := streamServer(b, broker)
	var mu sync.Mutex
	var lat []time.Duration
	var got sync.WaitGroup
	var sentAt atomic.Int64 // UnixNano of the current Publish
	for range subscribers {
		conn := dialStream(b, srv.Listener.Addr().String())
		go func() {
			r := bufio.NewReader(conn)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if len(line) > 4 && line[:4] == "id: " {
					d := time.Duration(time.Now().UnixNano() - sentAt.Load())
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
					got.Done()
				}
			}
		}()
	}
	waitSubscribers(b, broker, subscribers)
	b.ResetTimer()
	for i := range b.N {
		got.Add(subscribers)
		sentAt.Store(time.Now().UnixNano())
		broker.Publish(sse.Event{ID: int64(i + 1), Name: "task.updated", Data: `{"task_id":1}`}, "t")
		got.Wait()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	broker.Close()
}

// BenchmarkIdleSubscriberMemory opens n idle streams (raw loopback TCP
// clients that send the request and never read, so the client side costs
// almost nothing) and reports the heap and goroutine-stack growth per
// stream: the server side of an idle subscriber (connection, bufio
// buffers, Serve's goroutine, the subscriber and its buffer).
func BenchmarkIdleSubscriberMemory(b *testing.B) {
	for _, n := range []int{1000, 9000} { // 2 fds per stream in-process; the hard limit here is 20,000
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				broker := sse.NewBroker(sse.Options{})
				srv := streamServer(b, broker)
				heap0, stack0 := memInUse()
				conns := make([]net.Conn, 0, n)
				for range n {
					conns = append(conns, dialStream(b, srv.Listener.Addr().String()))
				}
				waitSubscribers(b, broker, n)
				heap1, stack1 := memInUse()
				perSub := func(a, b uint64) float64 { return float64(a-b) / float64(n) / 1024 }
				b.ReportMetric(perSub(heap1+stack1, heap0+stack0), "KiB/subscriber")
				b.ReportMetric(perSub(stack1, stack0), "stack-KiB/subscriber")
				broker.Close()
				for _, c := range conns {
					c.Close()
				}
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

func dialStream(b *testing.B, addr string) net.Conn {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", addr); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return conn
}

func waitSubscribers(b *testing.B, broker *sse.Broker, n int) {
	for deadline := time.Now().Add(60 * time.Second); broker.Len() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d subscribers after 60s", broker.Len(), n)
		}
	}
}

// memInUse is the heap in use and the goroutine stacks, after a GC.
func memInUse() (heap, stack uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.StackInuse
}
