package tasks

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// TaskEventsURL is the live-update stream of the task pages.
func TaskEventsURL() string { return TasksURL() + "/events" }

// EventFeed is the feature's event log and its channel, which the app's
// relay follows so that a change made through any instance reaches the
// streams open on this one.
func (c *Controller) EventFeed() sse.Feed { return c.svc.EventFeed() }

// stream handles GET /tasks/events: a text/event-stream of the signed-in
// user's task events, or everyone's with ?all=1 (admins only; 403 for
// others). Each event has the event-log id:, a task.created /
// task.updated / task.deleted name and EventData as JSON. A client that
// reconnects with Last-Event-ID (or opens with ?last_event_id=, which the
// pages use so nothing falls between rendering and connecting) first gets
// every event it missed, in order, or one "reload" event if it missed
// more than ReplayLimit.
func (c *Controller) stream(w http.ResponseWriter, r *http.Request) error {
	who := auth.MustFrom(r)
	all := isTrue(r.URL.Query().Get("all"))
	after, resume, err := lastEventID(r)
	if err != nil {
		return err
	}
	topic, err := c.svc.EventTopic(who, all)
	if err != nil {
		return err
	}
	// Subscribe before reading the log: an event committed in between is
	// in both, and Serve skips the second copy by its ID.
	sub, err := c.events.Subscribe(topic)
	if errors.Is(err, sse.ErrClosed) {
		return apperr.New(apperr.Unavailable, "The server is restarting; please reconnect.")
	}
	if err != nil {
		return err
	}
	var replay []sse.Event
	if resume {
		if replay, err = c.svc.EventsSince(r.Context(), who, all, after); err != nil {
			c.events.Unsubscribe(sub)
			return err
		}
	}
	return c.events.Serve(w, r, sub, after, replay)
}

// lastEventID reads Last-Event-ID (sent by EventSource on reconnect), or
// else ?last_event_id=. resume reports whether either was there: 0 is a
// real position (a page rendered before the first event), from which the
// client is owed every event; without either the stream starts with the
// next live event.
func lastEventID(r *http.Request) (after int64, resume bool, err error) {
	s := r.Header.Get("Last-Event-ID")
	if s == "" {
		s = r.URL.Query().Get("last_event_id")
	}
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false, apperr.Validation("The request has invalid parameters.", map[string]string{
			"last_event_id": "Last-Event-ID must be a whole number of 0 or more.",
		})
	}
	return n, true, nil
}

// liveURL is the stream a page connects to, starting after the newest
// event now, so that a change committed between rendering and connecting
// is replayed rather than lost.
func (c *Controller) liveURL(r *http.Request, all bool) (string, error) {
	head, err := c.svc.EventHead(r.Context())
	if err != nil {
		return "", err
	}
	return liveURL(head, all), nil
}
