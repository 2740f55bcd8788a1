// Package flash carries one-time messages across a redirect: a handler
// puts "Task added." in the session, and the next page shows it once, as
// a toast.
package flash

import (
	"context"
	"net/http"

	"github.com/alexedwards/scs/v2"
)

// sessionKey is the session key of the pending message.
const sessionKey = "flash"

// Messages moves flash messages through the session.
type Messages struct {
	sessions *scs.SessionManager
}

// New returns Messages stored in sessions.
func New(sessions *scs.SessionManager) *Messages {
	return &Messages{sessions: sessions}
}

// Put stores msg for the next page. The request must run behind the
// session manager's LoadAndSave.
func (m *Messages) Put(ctx context.Context, msg string) {
	m.sessions.Put(ctx, sessionKey, msg)
}

// Load takes the pending message out of the session, if any, and puts it
// in the request context, where the layout reads it (From). It runs after
// the session manager's LoadAndSave.
func (m *Messages) Load(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if msg := m.sessions.PopString(ctx, sessionKey); msg != "" {
			r = r.WithContext(With(ctx, msg))
		}
		next.ServeHTTP(w, r)
	})
}

type ctxKey struct{}

// With returns a copy of ctx carrying msgs for this page.
func With(ctx context.Context, msgs ...string) context.Context {
	return context.WithValue(ctx, ctxKey{}, append(From(ctx), msgs...))
}

// From returns the messages to show on this page, or nil.
func From(ctx context.Context) []string {
	msgs, _ := ctx.Value(ctxKey{}).([]string)
	return msgs
}
