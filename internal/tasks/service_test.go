package tasks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

func TestServiceCreate(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	u := mustCreateUser(t, pool)
	me := auth.Identity{UserID: u}

	t.Run("invalid input writes nothing", func(t *testing.T) {
		tasksBefore, eventsBefore := counts(t, pool)
		for _, tt := range []struct {
			in     tasks.Input
			fields []string
		}{
			{tasks.Input{Title: "  "}, []string{"title"}},
			{tasks.Input{Title: strings.Repeat("ß", 201)}, []string{"title"}},
			{tasks.Input{Title: "t", Notes: strings.Repeat("n", 10001)}, []string{"notes"}},
			{tasks.Input{Title: "t", Status: "someday"}, []string{"status"}},
			{tasks.Input{Title: "", Status: "someday"}, []string{"title", "status"}},
		} {
			task, err := svc.Create(ctx, me, tt.in)
			wantFields(t, err, tt.fields...)
			if task.ID != 0 {
				t.Errorf("Create(invalid) returned task %+v", task)
			}
		}
		if tasksAfter, eventsAfter := counts(t, pool); tasksAfter != tasksBefore || eventsAfter != eventsBefore {
			t.Errorf("after invalid creates: %d tasks, %d events; want %d, %d", tasksAfter, eventsAfter, tasksBefore, eventsBefore)
		}
	})

	t.Run("task and one created event", func(t *testing.T) {
		task, err := svc.Create(ctx, me, tasks.Input{Title: "  Water the plants ", Notes: "the fern too", DueDate: date(2025, 6, 20)})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if task.ID <= 0 || task.UserID != u || task.Title != "Water the plants" || task.Status != tasks.StatusTodo || task.Version != 1 ||
			task.DueDate == nil || task.DueDate.String() != "2025-06-20" {
			t.Errorf("Create = %+v, want a trimmed todo task due 2025-06-20, version 1", task)
		}
		stored, err := svc.Get(ctx, me, task.ID)
		if err != nil || stored.Title != task.Title || stored.Version != 1 {
			t.Errorf("Get after Create = %+v, %v", stored, err)
		}
		if diff := cmp.Diff([]tasks.EventKind{tasks.EventCreated}, eventKinds(t, pool, task.ID)); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
		_, data := lastEvent(t, pool, task.ID)
		if diff := cmp.Diff(map[string]any{"title": "Water the plants", "status": "todo"}, data); diff != "" {
			t.Errorf("created event data mismatch (-want +got):\n%s", diff)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM task_events WHERE task_id = $1 AND user_id = $2`, task.ID, u); n != 1 {
			t.Errorf("created event rows with the owner's user_id = %d, want 1", n)
		}
	})
}

func TestServiceUpdate(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()

	t.Run("updated event with the changed fields", func(t *testing.T) {
		t.Parallel()
		me := auth.Identity{UserID: mustCreateUser(t, pool)}
		task, err := svc.Create(ctx, me, tasks.Input{Title: "a", Notes: "n", DueDate: date(2025, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		updated, err := svc.Update(ctx, me, task.ID, task.Version, tasks.Input{Title: "b", Notes: "n", DueDate: nil, Status: tasks.StatusDoing})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if updated.Version != 2 || updated.Title != "b" || updated.DueDate != nil || updated.Status != tasks.StatusDoing {
			t.Errorf("Update = %+v", updated)
		}
		kind, data := lastEvent(t, pool, task.ID)
		if kind != tasks.EventUpdated {
			t.Errorf("event kind = %s, want updated", kind)
		}
		if diff := cmp.Diff(map[string]any{"fields": []any{"title", "due_date", "status"}}, data); diff != "" {
			t.Errorf("updated event data mismatch (-want +got):\n%s", diff)
		}

		// An update that changes nothing writes nothing: same version, no
		// new event (so an idle "Save" cannot make other editors' forms stale).
		same, err := svc.Update(ctx, me, task.ID, updated.Version, tasks.Input{Title: "b", Notes: "n", Status: tasks.StatusDoing})
		if err != nil {
			t.Fatalf("Update(unchanged): %v", err)
		}
		if same.Version != updated.Version {
			t.Errorf("Update(unchanged): version %d, want %d", same.Version, updated.Version)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM task_events WHERE task_id = $1`, task.ID); n != 2 {
			t.Errorf("Update(unchanged) wrote an event: %d events, want 2 (created, updated)", n)
		}
		// A stale version is still a conflict, even with nothing to change.
		if _, err := svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: "b", Notes: "n", Status: tasks.StatusDoing}); !errors.Is(err, tasks.ErrConflict) {
			t.Errorf("Update(unchanged, stale) = %v, want ErrConflict", err)
		}
	})

	t.Run("a status-only change is status_changed", func(t *testing.T) {
		t.Parallel()
		me := auth.Identity{UserID: mustCreateUser(t, pool)}
		task, err := svc.Create(ctx, me, tasks.Input{Title: "a", DueDate: date(2025, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		// The same due date as a different pointer is no change.
		if _, err := svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: "a", Status: tasks.StatusDone, DueDate: date(2025, 1, 1)}); err != nil {
			t.Fatalf("Update: %v", err)
		}
		kind, data := lastEvent(t, pool, task.ID)
		if kind != tasks.EventStatusChanged {
			t.Errorf("event kind = %s, want status_changed", kind)
		}
		if diff := cmp.Diff(map[string]any{"from": "todo", "to": "done"}, data); diff != "" {
			t.Errorf("status_changed data mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("invalid, stale, missing", func(t *testing.T) {
		t.Parallel()
		me := auth.Identity{UserID: mustCreateUser(t, pool)}
		task, err := svc.Create(ctx, me, tasks.Input{Title: "a"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: ""})
		wantFields(t, err, "title")
		if _, err := svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: "b"}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: "c"})
		if !errors.Is(err, tasks.ErrConflict) || apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("Update(stale) error = %v, want ErrConflict", err)
		}
		if _, err := svc.Update(ctx, me, task.ID+1_000_000, 1, tasks.Input{Title: "c"}); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Update(missing) error = %v, want ErrNotFound", err)
		}
		got, _ := svc.Get(ctx, me, task.ID)
		if got.Title != "b" || got.Version != 2 {
			t.Errorf("after a stale update, task = %+v, want title b version 2", got)
		}
		if diff := cmp.Diff([]tasks.EventKind{tasks.EventCreated, tasks.EventUpdated}, eventKinds(t, pool, task.ID)); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestServiceDelete(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}

	task, err := svc.Create(ctx, me, tasks.Input{Title: "Old news"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, me, task.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := svc.Get(ctx, me, task.ID); !errors.Is(err, tasks.ErrNotFound) {
		t.Errorf("Get(deleted) error = %v, want ErrNotFound", err)
	}
	// The history outlives the task.
	if diff := cmp.Diff([]tasks.EventKind{tasks.EventCreated, tasks.EventDeleted}, eventKinds(t, pool, task.ID)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	_, data := lastEvent(t, pool, task.ID)
	if diff := cmp.Diff(map[string]any{"title": "Old news"}, data); diff != "" {
		t.Errorf("deleted event data mismatch (-want +got):\n%s", diff)
	}
	if err := svc.Delete(ctx, me, task.ID); !errors.Is(err, tasks.ErrNotFound) {
		t.Errorf("Delete(deleted) error = %v, want ErrNotFound", err)
	}
	if _, _, err := svc.WithEvents(ctx, me, task.ID, 10); !errors.Is(err, tasks.ErrNotFound) {
		t.Errorf("Events(deleted) error = %v, want ErrNotFound", err)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM task_events WHERE task_id = $1`, task.ID); n != 2 {
		t.Errorf("%d events after a failed second delete, want 2", n)
	}
}

func TestServicePatch(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}
	task, err := svc.Create(ctx, me, tasks.Input{Title: "a", Notes: "n", Status: tasks.StatusDoing, DueDate: date(2025, 5, 5)})
	if err != nil {
		t.Fatal(err)
	}

	// Only the title: the rest is kept.
	got, err := svc.Patch(ctx, me, task.ID, tasks.Patch{Title: ptr("b"), Version: 1})
	if err != nil {
		t.Fatalf("Patch(title): %v", err)
	}
	if got.Title != "b" || got.Notes != "n" || got.Status != tasks.StatusDoing || got.DueDate == nil || got.DueDate.String() != "2025-05-05" || got.Version != 2 {
		t.Errorf("Patch(title) = %+v, want only the title changed, version 2", got)
	}
	if kind, data := lastEvent(t, pool, task.ID); kind != tasks.EventUpdated || !cmp.Equal(data, map[string]any{"fields": []any{"title"}}) {
		t.Errorf("Patch(title) event = %s %v, want updated [title]", kind, data)
	}

	// Only the status: a status_changed event.
	got, err = svc.Patch(ctx, me, task.ID, tasks.Patch{Status: ptr(tasks.StatusDone), Version: 2})
	if err != nil {
		t.Fatalf("Patch(status): %v", err)
	}
	if kind, _ := lastEvent(t, pool, task.ID); got.Status != tasks.StatusDone || kind != tasks.EventStatusChanged {
		t.Errorf("Patch(status) = %+v, event %s; want done and status_changed", got, kind)
	}

	// Clearing the due date.
	got, err = svc.Patch(ctx, me, task.ID, tasks.Patch{ClearDueDate: true, Version: 3})
	if err != nil || got.DueDate != nil || got.Version != 4 {
		t.Errorf("Patch(clear due date) = %+v, %v; want no due date, version 4", got, err)
	}

	// A missing version is a field error; stale ones conflict; nothing changes.
	_, err = svc.Patch(ctx, me, task.ID, tasks.Patch{Title: ptr("stale")})
	wantFields(t, err, "version")
	for _, v := range []int32{1, 3, 5} {
		if _, err := svc.Patch(ctx, me, task.ID, tasks.Patch{Title: ptr("stale"), Version: v}); !errors.Is(err, tasks.ErrConflict) {
			t.Errorf("Patch(version %d of 4) error = %v, want ErrConflict", v, err)
		}
	}
	// Invalid values are field errors.
	_, err = svc.Patch(ctx, me, task.ID, tasks.Patch{Title: ptr(" "), Status: ptr(tasks.Status("x")), Version: 4})
	wantFields(t, err, "title", "status")
	if _, err := svc.Patch(ctx, me, task.ID+1_000_000, tasks.Patch{Title: ptr("x"), Version: 1}); !errors.Is(err, tasks.ErrNotFound) {
		t.Errorf("Patch(missing) error = %v, want ErrNotFound", err)
	}
	final, _ := svc.Get(ctx, me, task.ID)
	if final.Title != "b" || final.Version != 4 {
		t.Errorf("after refused patches, task = %+v, want title b version 4", final)
	}
	if n := len(eventKinds(t, pool, task.ID)); n != 4 {
		t.Errorf("%d events, want 4 (created and three patches)", n)
	}
}
