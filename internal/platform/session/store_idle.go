package session

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// defaultTouchInterval bounds Options.TouchInterval's default.
const defaultTouchInterval = time.Minute

// newIdleStore returns the Store New uses: idle timeout and touch
// interval from opts.
func newIdleStore(db postgres.DBTX, opts Options) *Store {
	touch := opts.TouchInterval
	if touch <= 0 {
		touch = min(defaultTouchInterval, opts.IdleTimeout/10)
	}
	return &Store{db: db, idle: opts.IdleTimeout, touch: touch}
}

// idleExpiry is when a session written at now with the given deadline
// (its lifetime's end) expires: at the deadline, or idle after now if
// that is sooner.
func (s *Store) idleExpiry(deadline, now time.Time) time.Time {
	if s.idle <= 0 {
		return deadline
	}
	if t := now.Add(s.idle); t.Before(deadline) {
		return t
	}
	return deadline
}

// touchIfDue pushes the expiry of a session that was just read back to
// idle from now, but only when that moves it by at least the touch
// interval: a busy session is written once per interval, not per request,
// and it stays valid for between idle-touch and idle after its last
// request. The deadline comes from the session data (scs's codec), and is
// only decoded when a touch may be due.
func (s *Store) touchIfDue(ctx context.Context, token string, data []byte, expiry time.Time) error {
	now := time.Now()
	if s.idle <= 0 || now.Add(s.idle).Sub(expiry) < s.touch {
		return nil
	}
	deadline, _, err := scs.GobCodec{}.Decode(data)
	if err != nil {
		return nil // not scs's encoding: leave the expiry alone; scs will report the data
	}
	next := s.idleExpiry(deadline, now)
	if next.Sub(expiry) < s.touch {
		return nil // close to the deadline: nothing worth a write
	}
	if _, err := s.db.Exec(ctx, `UPDATE sessions SET expiry = $2 WHERE token = $1`, token, next); err != nil {
		return fmt.Errorf("session store: touch: %w", postgres.Translate(err))
	}
	return nil
}
