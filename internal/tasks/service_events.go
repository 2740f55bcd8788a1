package tasks

import (
	"context"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
)

// EventTopic is the live-update topic who may follow: their own tasks, or
// with all every user's (admins only: ErrNotAdmin for anyone else).
func (s *Service) EventTopic(who auth.Identity, all bool) (string, error) {
	if !all {
		return TopicUser(who.UserID), nil
	}
	if !who.IsAdmin() {
		return "", ErrNotAdmin
	}
	return TopicAll, nil
}

// EventsSince returns the events of who's topic (see EventTopic) with IDs
// above after, in order; if there are more than ReplayLimit, a single
// ReloadEvent instead.
func (s *Service) EventsSince(ctx context.Context, who auth.Identity, all bool, after int64) ([]sse.Event, error) {
	if _, err := s.EventTopic(who, all); err != nil {
		return nil, err
	}
	var owner *int64
	if !all {
		owner = &who.UserID
	}
	msgs, err := NewFeed(s.pool).since(ctx, owner, after, ReplayLimit+1)
	if err != nil {
		return nil, err
	}
	if len(msgs) > ReplayLimit {
		return []sse.Event{{Name: ReloadEvent, Data: "missed too many events"}}, nil
	}
	events := make([]sse.Event, len(msgs))
	for i, m := range msgs {
		events[i] = m.Event
	}
	return events, nil
}

// EventHead returns the newest event ID (0 for none): where a page's live
// stream starts.
func (s *Service) EventHead(ctx context.Context) (int64, error) {
	return NewFeed(s.pool).Head(ctx)
}

// EventFeed is the task event log with its NOTIFY channel: the app relays
// it into the broker of every instance (internal/app/events.go).
func (s *Service) EventFeed() sse.Feed {
	return sse.Feed{Channel: EventsChannel, Source: NewFeed(s.pool)}
}
