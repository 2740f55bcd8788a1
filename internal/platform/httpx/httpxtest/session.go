package httpxtest

import (
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

// The app's default session timeouts (SESSION_IDLE_TIMEOUT and
// SESSION_LIFETIME in internal/app/config.go).
const (
	defaultIdleTimeout = 30 * time.Minute
	defaultLifetime    = 12 * time.Hour
)

// sessionOptions fills in o's zero timeouts with the app's defaults: scs
// takes a zero lifetime literally, and a session that expires as it is
// saved would lose every sign-in and flash message.
func sessionOptions(o session.Options) session.Options {
	if o.IdleTimeout == 0 {
		o.IdleTimeout = defaultIdleTimeout
	}
	if o.Lifetime == 0 {
		o.Lifetime = defaultLifetime
	}
	return o
}
