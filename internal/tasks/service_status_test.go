package tasks_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

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
