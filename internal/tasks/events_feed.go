package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// Live updates: every task change's event (task_events) is announced with
// NOTIFY on EventsChannel in the change's transaction; each instance's
// sse.Relay reads the new rows through Feed and publishes them to the
// topics below; GET /tasks/events (controller_events.go) streams a topic.

// EventsChannel is the NOTIFY channel of the task event log.
const EventsChannel = "task_events"

// eventLogLock is the transaction-level advisory lock key that orders
// event commits (Repository.AddEvent).
const eventLogLock int64 = 0x7461736b5f657674

// ReplayLimit bounds the events replayed to a client that reconnects with
// Last-Event-ID; one that missed more gets a "reload" event instead.
const ReplayLimit = 500

// ReloadEvent tells the page to reload: it missed more than ReplayLimit.
const ReloadEvent = "reload"

// TopicAll is every task's events (admins with ?all=1).
const TopicAll = "tasks.all"

// TopicUser is the events of one user's tasks.
func TopicUser(userID int64) string { return "tasks.user." + strconv.FormatInt(userID, 10) }

// EventData is the JSON in an event's data: line. It names the task, never
// its fields: the page fetches what it shows through the usual, authorized
// routes.
type EventData struct {
	TaskID int64     `json:"task_id"`
	Kind   EventKind `json:"kind"`
}

// Feed is the event log as an sse.Source.
type Feed struct{ db postgres.DBTX }

// NewFeed returns a Feed on db (the pool).
func NewFeed(db postgres.DBTX) *Feed { return &Feed{db: db} }

// eventHead reads the newest event ID, 0 if there is none (an index-only
// max()).
const eventHead = `SELECT coalesce(max(id), 0) FROM task_events`

// Head returns the newest event ID, 0 if there is none.
func (f *Feed) Head(ctx context.Context) (int64, error) {
	var id int64
	if err := f.db.QueryRow(ctx, eventHead).Scan(&id); err != nil {
		return 0, fmt.Errorf("tasks feed: head: %w", postgres.Translate(err))
	}
	return id, nil
}

// After returns up to limit events with an ID above after, in ID order,
// each addressed to its owner's topic and TopicAll.
func (f *Feed) After(ctx context.Context, after int64, limit int) ([]sse.Message, error) {
	return f.since(ctx, nil, after, limit)
}

// since reads events above after, of one user's tasks when userID is set.
func (f *Feed) since(ctx context.Context, userID *int64, after int64, limit int) ([]sse.Message, error) {
	rows, err := f.db.Query(ctx, `
SELECT id, task_id, user_id, kind FROM task_events
WHERE id > $1 AND ($2::bigint IS NULL OR user_id = $2)
ORDER BY id LIMIT $3`, after, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("tasks feed: since %d: %w", after, postgres.Translate(err))
	}
	msgs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sse.Message, error) {
		var id, taskID, owner int64
		var kind EventKind
		if err := row.Scan(&id, &taskID, &owner, &kind); err != nil {
			return sse.Message{}, err
		}
		return sse.Message{Event: toSSE(id, taskID, kind), Topics: []string{TopicUser(owner), TopicAll}}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("tasks feed: since %d: %w", after, postgres.Translate(err))
	}
	return msgs, nil
}

// toSSE names the event for the page: task.created, task.updated (any
// edit, status changes included) or task.deleted.
func toSSE(id, taskID int64, kind EventKind) sse.Event {
	name := "task.updated"
	switch kind {
	case EventCreated:
		name = "task.created"
	case EventDeleted:
		name = "task.deleted"
	}
	data, _ := json.Marshal(EventData{TaskID: taskID, Kind: kind}) // cannot fail: two plain fields
	return sse.Event{ID: id, Name: name, Data: string(data)}
}
