package tasks_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/platform/sse/ssetest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// BenchmarkCommitToDelivery measures a task change from the Service.Create
// call (so the transaction and its commit are included) to its arrival in 1,000 subscribers' queues on
// each of two instances (two brokers, two LISTEN relays, one database):
// p50/p99 on the writer's instance (A) and on the other (B). Both go
// through NOTIFY and one log read, so crossing instances costs nothing
// extra by design; the figures show it. HTTP writing is measured apart
// (sse.BenchmarkFanOut).
func BenchmarkCommitToDelivery(b *testing.B) {
	const perInstance = 1000
	pool := pgtest.NewPool(b)
	svc := tasks.NewService(pool, time.Now)
	var userID int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO users (email, password_hash) VALUES ('bench@example.com', 'x') RETURNING id`).Scan(&userID); err != nil {
		b.Fatal(err)
	}
	who := auth.Identity{UserID: userID, Role: auth.RoleUser}
	var sentAt atomic.Int64
	var got sync.WaitGroup
	lat := [2][]time.Duration{}
	var mu sync.Mutex
	for inst := range 2 {
		broker := sse.NewBroker(sse.Options{})
		log, _ := logtest.New(slog.LevelWarn)
		for range perInstance {
			sub, _ := broker.Subscribe(tasks.TopicUser(userID))
			go func() {
				for range sub.Events() {
					d := time.Duration(time.Now().UnixNano() - sentAt.Load())
					mu.Lock()
					lat[inst] = append(lat[inst], d)
					mu.Unlock()
					got.Done()
				}
			}()
		}
		ssetest.StartRelay(b, pool.Config().ConnConfig.Copy(), svc.EventFeed(), broker, log)
	}
	b.ResetTimer()
	for range b.N {
		got.Add(2 * perInstance)
		sentAt.Store(time.Now().UnixNano())
		if _, err := svc.Create(context.Background(), who, tasks.Input{Title: "bench", Status: tasks.StatusTodo}); err != nil {
			b.Fatal(err)
		}
		got.Wait()
	}
	b.StopTimer()
	for inst, name := range []string{"A", "B"} {
		l := lat[inst]
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2].Microseconds()), name+"-p50-µs")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds()), name+"-p99-µs")
	}
}
