package app

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// startListener starts, until ctx is done, the instance's one LISTEN
// connection (outside the request pool: a copy of its connection
// settings) with every handler on it: a relay per feature event feed
// (features.eventFeeds), so that a change committed through any instance
// reaches the streams open on this one, and the account feature's user
// cache invalidation, so that a disabled account or a changed role is
// seen here as soon as it commits. It returns the listener (tests wait
// for its Connects).
func startListener(ctx context.Context, bg *sync.WaitGroup, pool *pgxpool.Pool, f features, log *slog.Logger) *pgnotify.Listener {
	l := pgnotify.New(pool.Config().ConnConfig.Copy(), log)
	for _, feed := range f.eventFeeds() {
		relay := sse.NewRelay(feed.Source, f.events, log)
		l.Handle(feed.Channel, relay)
		bg.Go(func() { relay.Run(ctx) })
	}
	l.Handle(account.UsersChannel, f.accounts.UserChanges())
	bg.Go(func() { l.Run(ctx) })
	return l
}
