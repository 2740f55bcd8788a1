package ssetest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// StartRelay relays feed into b as an instance does (its own
// pgnotify.Listener on conn, a copy of the pool's config, and an
// sse.Relay), until the test ends. It returns once LISTEN is on, so an
// event committed afterwards is delivered.
func StartRelay(tb testing.TB, conn *pgx.ConnConfig, feed sse.Feed, b *sse.Broker, log *slog.Logger) *pgnotify.Listener {
	tb.Helper()
	l := pgnotify.New(conn, log)
	relay := sse.NewRelay(feed.Source, b, log)
	l.Handle(feed.Channel, relay)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { defer func() { done <- struct{}{} }(); l.Run(ctx) }()
	go func() { defer func() { done <- struct{}{} }(); relay.Run(ctx) }()
	tb.Cleanup(func() { cancel(); <-done; <-done })
	for deadline := time.Now().Add(10 * time.Second); l.Connects() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("ssetest: the relay did not LISTEN within 10s")
		}
	}
	return l
}
