package tasks_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

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
