package account

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/cache"
	"github.com/groundwork-dev/groundwork/internal/platform/pgnotify"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// The signed-in user is read on every request; it comes from an
// in-process cache (cache-aside), keyed by the session token's hash, so a
// signed-in request costs the session read and no user query.
//
// Invalidation: every write that changes what SessionUser answers (a
// role change, disabling, a password change or reset, a verified
// address, a sign-out or revoked session) runs through changeUser, which
// sends NOTIFY UsersChannel with the user's ID in the write's own
// transaction, so only committed changes are announced, and drops the
// user's entries on this instance at once. Every instance's listener
// (internal/platform/pgnotify) hands the notification to the cache
// (UserChanges), which drops that user's entries, and any load of them in
// flight. While the listener is down nothing is served from the cache,
// and on reconnect it is emptied. The TTL bounds what no invalidation
// covers (a change made with SQL by hand), and keeps last_seen_at
// fresh: the load is the SessionUser query, which touches it once a
// minute.
const (
	// UsersChannel is the NOTIFY channel of user changes; the payload is
	// the user's ID.
	UsersChannel = "account_users"
	// userCacheTTL is the longest a cached user is served.
	userCacheTTL = 30 * time.Second
	// userCacheSize bounds the sessions cached per instance (about
	// 1 KiB each).
	userCacheSize = 10_000
)

func newUserCache() *cache.Keyed[string, User] {
	return cache.NewKeyed[string](cache.KeyedOptions[User]{
		TTL: userCacheTTL, MaxSize: userCacheSize, Group: func(u User) int64 { return u.ID },
	})
}

// UserChanges is the handler of UsersChannel that keeps this instance's
// user cache true: register it with the instance's pgnotify.Listener.
// Until that listener connects, every request reads its user from the
// database.
func (s *Service) UserChanges() pgnotify.Handler { return s.users }

// changeUser runs write in a transaction that also announces the change
// of the user whose ID write returns, and drops that user's cached
// sessions here once it commits (the notification drops them on every
// other instance, and again here). It returns the error of write, of the
// notification or of the commit; then nothing changed.
func (s *Service) changeUser(ctx context.Context, write func(*Repository) (int64, error)) error {
	var userID int64
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		var err error
		if userID, err = write(repo); err != nil {
			return err
		}
		return repo.announceUserChange(ctx, userID)
	})
	if err != nil {
		return err
	}
	s.users.InvalidateGroup(userID)
	return nil
}
