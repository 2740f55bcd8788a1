package app

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// startEventRelay feeds the SSE broker from the task event log until ctx
// is done: one dedicated LISTEN connection per instance, outside the
// request pool (a copy of its connection settings), so that a change
// committed through any instance reaches the streams open on this one.
func startEventRelay(ctx context.Context, bg *sync.WaitGroup, pool *pgxpool.Pool, events *sse.Broker, log *slog.Logger) *sse.Relay {
	relay := sse.NewRelay(pool.Config().ConnConfig.Copy(), tasks.EventsChannel, tasks.NewFeed(pool), events, log)
	bg.Go(func() { relay.Run(ctx) })
	return relay
}
