package tasks_test

import (
	"context"
	"errors"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// counts returns how many tasks and task events the database holds.
func counts(t *testing.T, pool *pgxpool.Pool) (taskRows, eventRows int) {
	t.Helper()
	return mustCount(t, pool, `SELECT count(*) FROM tasks`), mustCount(t, pool, `SELECT count(*) FROM task_events`)
}

// wantFields checks that err is Invalid with exactly the given fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if k := apperr.KindOf(err); k != apperr.Invalid {
		t.Fatalf("error = %v (kind %v), want kind invalid", err, k)
	}
	got := slices.Sorted(maps.Keys(apperr.FieldsOf(err)))
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("error fields = %v, want %v", got, fields)
	}
}

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

func TestServiceSetStatus(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}

	task, err := svc.Create(ctx, me, tasks.Input{Title: "a", Notes: "n", DueDate: date(2025, 3, 3)})
	if err != nil {
		t.Fatal(err)
	}
	// Someone edits it: SetStatus does not care about the version.
	edited, err := svc.Update(ctx, me, task.ID, 1, tasks.Input{Title: "a2", Notes: "n", DueDate: date(2025, 3, 3)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.SetStatus(ctx, me, task.ID, tasks.StatusDoing)
	if err != nil {
		t.Fatalf("SetStatus(doing): %v", err)
	}
	if got.Status != tasks.StatusDoing || got.Title != "a2" || got.Notes != "n" || got.DueDate == nil || got.DueDate.String() != "2025-03-03" || got.Version != edited.Version+1 {
		t.Errorf("SetStatus(doing) = %+v, want the other fields kept and version %d", got, edited.Version+1)
	}
	kind, data := lastEvent(t, pool, task.ID)
	if kind != tasks.EventStatusChanged {
		t.Errorf("event kind = %s, want status_changed", kind)
	}
	if diff := cmp.Diff(map[string]any{"from": "todo", "to": "doing"}, data); diff != "" {
		t.Errorf("status_changed data mismatch (-want +got):\n%s", diff)
	}

	// The same status again writes no event.
	before := eventKinds(t, pool, task.ID)
	if _, err := svc.SetStatus(ctx, me, task.ID, tasks.StatusDoing); err != nil {
		t.Fatalf("SetStatus(doing again): %v", err)
	}
	if diff := cmp.Diff(before, eventKinds(t, pool, task.ID)); diff != "" {
		t.Errorf("SetStatus(unchanged) wrote events (-want +got):\n%s", diff)
	}

	_, err = svc.SetStatus(ctx, me, task.ID, "blocked")
	wantFields(t, err, "status")
	if _, err := svc.SetStatus(ctx, me, task.ID+1_000_000, tasks.StatusDone); !errors.Is(err, tasks.ErrNotFound) {
		t.Errorf("SetStatus(missing) error = %v, want ErrNotFound", err)
	}
	if diff := cmp.Diff([]tasks.EventKind{tasks.EventCreated, tasks.EventUpdated, tasks.EventStatusChanged}, eventKinds(t, pool, task.ID)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// TestServiceSetStatusDuringAnotherWrite: SetStatus promises to work
// "whatever its version". A write that commits between SetStatus reading
// the task and updating it must not turn the status click into a 409.
func TestServiceSetStatusDuringAnotherWrite(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}
	task, err := svc.Create(ctx, me, tasks.Input{Title: "a"})
	if err != nil {
		t.Fatal(err)
	}

	// Another writer holds the row, with a new version not yet committed.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `UPDATE tasks SET notes = 'edited', version = version + 1 WHERE id = $1`, task.ID); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := svc.SetStatus(ctx, me, task.ID, tasks.StatusDone)
		done <- err
	}()
	// Wait until SetStatus is blocked on the row lock, then commit.
	deadline := time.Now().Add(5 * time.Second)
	for mustCount(t, pool, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("SetStatus never waited for the row lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("SetStatus during another write error = %v, want nil (it ignores versions)", err)
	}
	got, err := svc.Get(ctx, me, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != tasks.StatusDone || got.Notes != "edited" {
		t.Errorf("after SetStatus, task = %+v, want status done and the other writer's notes kept", got)
	}
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

// TestServiceAccess: users reach only their own tasks; admins read every
// task and change only their own.
func TestServiceAccess(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()

	alice := auth.Identity{UserID: mustCreateUser(t, pool)}
	bob := auth.Identity{UserID: mustCreateUser(t, pool)}
	admin := auth.Identity{UserID: mustCreateUser(t, pool), Role: auth.RoleAdmin}

	newTask := func(a auth.Identity, title string) tasks.Task {
		t.Helper()
		task, err := svc.Create(ctx, a, tasks.Input{Title: title, Notes: "secret"})
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	alicesTask := newTask(alice, "alice's")
	missing := alicesTask.ID + 1_000_000

	type write struct {
		name string
		do   func(a auth.Identity, id int64) error
	}
	writes := []write{
		{"Update", func(a auth.Identity, id int64) error {
			_, err := svc.Update(ctx, a, id, 1, tasks.Input{Title: "taken over"})
			return err
		}},
		{"Patch", func(a auth.Identity, id int64) error {
			_, err := svc.Patch(ctx, a, id, tasks.Patch{Title: ptr("taken over"), Version: 1})
			return err
		}},
		{"SetStatus", func(a auth.Identity, id int64) error {
			_, err := svc.SetStatus(ctx, a, id, tasks.StatusDone)
			return err
		}},
		{"Delete", func(a auth.Identity, id int64) error { return svc.Delete(ctx, a, id) }},
	}

	t.Run("another user's task is not found", func(t *testing.T) {
		if _, err := svc.Get(ctx, bob, alicesTask.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(bob, alice's task) error = %v, want ErrNotFound", err)
		}
		if _, _, err := svc.WithEvents(ctx, bob, alicesTask.ID, 10); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Events(bob, alice's task) error = %v, want ErrNotFound", err)
		}
		for _, w := range writes {
			if err := w.do(bob, alicesTask.ID); !errors.Is(err, tasks.ErrNotFound) || apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s(bob, alice's task) error = %v, want ErrNotFound", w.name, err)
			}
		}
		page, err := svc.List(ctx, bob, tasks.ListParams{Query: "secret"})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("List(bob, q=secret) = %v, %v; want none of alice's", ids(page.Items), err)
		}
	})

	t.Run("admin reads another user's task", func(t *testing.T) {
		got, err := svc.Get(ctx, admin, alicesTask.ID)
		if err != nil || got.ID != alicesTask.ID || got.UserID != alice.UserID {
			t.Errorf("Get(admin, alice's task) = %+v, %v; want alice's task", got, err)
		}
		_, events, err := svc.WithEvents(ctx, admin, alicesTask.ID, 10)
		if err != nil || len(events) != 1 || events[0].Kind != tasks.EventCreated {
			t.Errorf("Events(admin, alice's task) = %+v, %v; want the created event", events, err)
		}
		if _, err := svc.Get(ctx, admin, missing); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(admin, missing) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("admin cannot change another user's task", func(t *testing.T) {
		for _, w := range writes {
			err := w.do(admin, alicesTask.ID)
			if !errors.Is(err, tasks.ErrReadOnly) || apperr.KindOf(err) != apperr.Forbidden {
				t.Errorf("%s(admin, alice's task) error = %v (kind %v), want ErrReadOnly", w.name, err, apperr.KindOf(err))
			}
			// A task that does not exist is still not found.
			if err := w.do(admin, missing); !errors.Is(err, tasks.ErrNotFound) {
				t.Errorf("%s(admin, missing) error = %v, want ErrNotFound", w.name, err)
			}
		}
		got, err := svc.Get(ctx, alice, alicesTask.ID)
		if err != nil || got.Title != "alice's" || got.Status != tasks.StatusTodo || got.Version != 1 {
			t.Errorf("alice's task after the admin's attempts = %+v, %v; want it unchanged", got, err)
		}
		if diff := cmp.Diff([]tasks.EventKind{tasks.EventCreated}, eventKinds(t, pool, alicesTask.ID)); diff != "" {
			t.Errorf("alice's events mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("admin changes own tasks", func(t *testing.T) {
		for _, w := range writes {
			own := newTask(admin, "admin's")
			if err := w.do(admin, own.ID); err != nil {
				t.Errorf("%s(admin, own task): %v", w.name, err)
			}
		}
	})

	t.Run("users change own tasks", func(t *testing.T) {
		for _, w := range writes {
			own := newTask(bob, "bob's")
			if err := w.do(bob, own.ID); err != nil {
				t.Errorf("%s(bob, own task): %v", w.name, err)
			}
		}
	})
}

func TestServiceList(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}
	for _, title := range []string{"one", "two", "three"} {
		if _, err := svc.Create(ctx, me, tasks.Input{Title: title}); err != nil {
			t.Fatal(err)
		}
	}

	page, err := svc.List(ctx, me, tasks.ListParams{Limit: 2})
	if err != nil || len(page.Items) != 2 || page.NextCursor == "" || page.Items[0].Title != "three" {
		t.Fatalf("List(limit 2) = %+v, %v", page, err)
	}
	next, err := svc.List(ctx, me, tasks.ListParams{Limit: 2, Cursor: page.NextCursor})
	if err != nil || len(next.Items) != 1 || next.Items[0].Title != "one" || next.NextCursor != "" {
		t.Errorf("List(page 2) = %+v, %v", next, err)
	}
	// The default limit.
	if all, err := svc.List(ctx, me, tasks.ListParams{}); err != nil || len(all.Items) != 3 {
		t.Errorf("List(zero params) = %d items, %v; want 3", len(all.Items), err)
	}

	// Everyone's tasks: admins only.
	admin := auth.Identity{UserID: mustCreateUser(t, pool), Role: auth.RoleAdmin}
	if _, err := svc.Create(ctx, admin, tasks.Input{Title: "admin's own"}); err != nil {
		t.Fatal(err)
	}
	if own, err := svc.List(ctx, admin, tasks.ListParams{}); err != nil || len(own.Items) != 1 {
		t.Errorf("admin's own list = %d items, %v; want 1", len(own.Items), err)
	}
	if everyone, err := svc.ListAll(ctx, admin, tasks.ListParams{}); err != nil || len(everyone.Items) != 4 {
		t.Errorf("admin's list of everyone = %d items, %v; want 4", len(everyone.Items), err)
	}
	if _, err := svc.ListAll(ctx, me, tasks.ListParams{}); !errors.Is(err, tasks.ErrNotAdmin) {
		t.Errorf("non-admin listing everyone = %v, want ErrNotAdmin", err)
	}

	tests := []struct {
		name   string
		p      tasks.ListParams
		fields []string
	}{
		{"limit 101", tasks.ListParams{Limit: 101}, []string{"limit"}},
		{"negative limit", tasks.ListParams{Limit: -5}, []string{"limit"}},
		{"bad status", tasks.ListParams{Status: "all"}, []string{"status"}},
		{"bad cursor", tasks.ListParams{Cursor: "AAAA"}, []string{"cursor"}},
		{"long query", tasks.ListParams{Query: strings.Repeat("q", 10*1024)}, []string{"q"}},
	}
	for _, tt := range tests {
		_, err := svc.List(ctx, me, tt.p)
		if k := apperr.KindOf(err); k != apperr.Invalid {
			t.Errorf("%s: List error = %v (kind %v), want invalid", tt.name, err, k)
			continue
		}
		if got := slices.Sorted(maps.Keys(apperr.FieldsOf(err))); !slices.Equal(got, tt.fields) {
			t.Errorf("%s: List error fields = %v, want %v", tt.name, got, tt.fields)
		}
	}
}

// TestServiceRollbackWhenEventFails makes every event insert fail and checks
// that no change to tasks survives: the task and its event share one
// transaction. It has its own database, as the constraint affects it all.
func TestServiceRollbackWhenEventFails(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: mustCreateUser(t, pool)}
	task, err := svc.Create(ctx, me, tasks.Input{Title: "keep me", Notes: "n"})
	if err != nil {
		t.Fatal(err)
	}

	// Existing rows stay; every new event row is refused.
	mustExec(t, pool, `ALTER TABLE task_events ADD CONSTRAINT no_events CHECK (false) NOT VALID`)
	tasksBefore, eventsBefore := counts(t, pool)

	if _, err := svc.Create(ctx, me, tasks.Input{Title: "never stored"}); err == nil {
		t.Error("Create with a failing event write = nil error")
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM tasks WHERE title = 'never stored'`); n != 0 {
		t.Errorf("Create with a failing event write left %d task rows, want 0", n)
	}

	if _, err := svc.Update(ctx, me, task.ID, task.Version, tasks.Input{Title: "changed"}); err == nil {
		t.Error("Update with a failing event write = nil error")
	}
	if _, err := svc.Patch(ctx, me, task.ID, tasks.Patch{Notes: ptr("changed"), Version: task.Version}); err == nil {
		t.Error("Patch with a failing event write = nil error")
	}
	if _, err := svc.SetStatus(ctx, me, task.ID, tasks.StatusDone); err == nil {
		t.Error("SetStatus with a failing event write = nil error")
	}
	if err := svc.Delete(ctx, me, task.ID); err == nil {
		t.Error("Delete with a failing event write = nil error")
	}

	got, err := svc.Get(ctx, me, task.ID)
	if err != nil {
		t.Fatalf("Get after the failed writes: %v (the task was deleted without its event)", err)
	}
	if got.Title != "keep me" || got.Notes != "n" || got.Status != tasks.StatusTodo || got.Version != task.Version || !got.UpdatedAt.Equal(task.UpdatedAt) {
		t.Errorf("task after the failed writes = %+v, want it unchanged (%+v)", got, task)
	}
	if tasksAfter, eventsAfter := counts(t, pool); tasksAfter != tasksBefore || eventsAfter != eventsBefore {
		t.Errorf("after the failed writes: %d tasks, %d events; want %d, %d", tasksAfter, eventsAfter, tasksBefore, eventsBefore)
	}

	// The errors are internal (500), not the client's fault.
	_, err = svc.Create(ctx, me, tasks.Input{Title: "x"})
	if k := apperr.KindOf(err); k != apperr.Internal {
		t.Errorf("Create with a failing event write: kind %v, want internal", k)
	}

	// Once events can be written again, so can tasks.
	mustExec(t, pool, `ALTER TABLE task_events DROP CONSTRAINT no_events`)
	if _, err := svc.Update(ctx, me, task.ID, task.Version, tasks.Input{Title: "changed"}); err != nil {
		t.Errorf("Update after the constraint is gone: %v", err)
	}
}

// unavailableCalls are every service method, on task id with actor me.
func unavailableCalls(ctx context.Context, svc *tasks.Service, me auth.Identity, id int64) []struct {
	name string
	do   func() error
} {
	return []struct {
		name string
		do   func() error
	}{
		{"List", func() error { _, err := svc.List(ctx, me, tasks.ListParams{}); return err }},
		{"Get", func() error { _, err := svc.Get(ctx, me, id); return err }},
		{"WithEvents", func() error { _, _, err := svc.WithEvents(ctx, me, id, 10); return err }},
		{"Create", func() error { _, err := svc.Create(ctx, me, tasks.Input{Title: "t"}); return err }},
		{"Update", func() error { _, err := svc.Update(ctx, me, id, 1, tasks.Input{Title: "u"}); return err }},
		{"Patch", func() error { _, err := svc.Patch(ctx, me, id, tasks.Patch{Version: 1}); return err }},
		{"SetStatus", func() error { _, err := svc.SetStatus(ctx, me, id, tasks.StatusDone); return err }},
		{"Delete", func() error { return svc.Delete(ctx, me, id) }},
	}
}

// TestServiceDatabaseDown: with nothing listening where the database should
// be, every method fails as Unavailable (503), not as an internal error.
func TestServiceDatabaseDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	pool, err := postgres.Open("postgres://u:p@"+addr+"/db?sslmode=disable", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	svc := newTestService(t, pool)
	for _, c := range unavailableCalls(t.Context(), svc, auth.Identity{UserID: 1}, 1) {
		if err := c.do(); apperr.KindOf(err) != apperr.Unavailable {
			t.Errorf("%s with the database down: error %v (kind %v), want unavailable", c.name, err, apperr.KindOf(err))
		}
	}
	// Admins take another path (writeErr) on a not-found; not on this error.
	if err := svc.Delete(t.Context(), auth.Identity{UserID: 1, Role: auth.RoleAdmin}, 1); apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("Delete(admin) with the database down: error %v, want unavailable", err)
	}
}

// TestServicePoolClosed: with the pool closed (a request still running
// during shutdown), every method fails as Unavailable (503), not as an
// internal error.
func TestServicePoolClosed(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	u := mustCreateUser(t, pool)
	svc := newTestService(t, pool)
	ctx := t.Context()
	me := auth.Identity{UserID: u}
	task, err := svc.Create(ctx, me, tasks.Input{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	for _, c := range unavailableCalls(ctx, svc, me, task.ID) {
		if err := c.do(); apperr.KindOf(err) != apperr.Unavailable {
			t.Errorf("%s with the pool closed: error %v (kind %v), want unavailable", c.name, err, apperr.KindOf(err))
		}
	}
}
