package tasks_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

func TestRepositoryGetUpdateDelete(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	repo := tasks.NewRepository(pool)
	ctx := t.Context()

	t.Run("create and get", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		in := tasks.Input{Title: "Pay rent", Notes: "before the 3rd", Status: tasks.StatusDoing, DueDate: date(2025, 7, 1)}
		created, err := repo.Create(ctx, u, in)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if created.ID <= 0 || created.UserID != u || created.Title != in.Title || created.Notes != in.Notes ||
			created.Status != in.Status || created.DueDate == nil || created.DueDate.String() != "2025-07-01" ||
			created.Version != 1 || created.CreatedAt.IsZero() || !created.UpdatedAt.Equal(created.CreatedAt) {
			t.Errorf("Create = %+v", created)
		}
		got, err := repo.Get(ctx, u, created.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if diff := cmp.Diff(created, got, cmp.Comparer(func(a, b tasks.Date) bool { return time.Time(a).Equal(time.Time(b)) })); diff != "" {
			t.Errorf("Get mismatch (-want +got):\n%s", diff)
		}
		noDue := mustCreateTask(t, repo, u, "no due date")
		if got, err := repo.Get(ctx, u, noDue.ID); err != nil || got.DueDate != nil {
			t.Errorf("Get(no due date) = %+v, %v; want DueDate nil", got, err)
		}
	})

	t.Run("get scoped by owner", func(t *testing.T) {
		t.Parallel()
		alice, bob := mustCreateUser(t, pool), mustCreateUser(t, pool)
		task := mustCreateTask(t, repo, alice, "alice's")
		if _, err := repo.Get(ctx, bob, task.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(bob, alice's task) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Get(ctx, 0, task.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(0, alice's task) error = %v, want ErrNotFound: 0 is no one, not everyone", err)
		}
		if got, err := repo.GetAny(ctx, task.ID); err != nil || got.ID != task.ID || got.UserID != alice {
			t.Errorf("GetAny(alice's task) = %+v, %v; want alice's task", got, err)
		}
		if _, err := repo.Get(ctx, alice, task.ID+1_000_000); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(missing) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.GetAny(ctx, task.ID+1_000_000); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("GetAny(missing) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("update", func(t *testing.T) {
		t.Parallel()
		alice, bob := mustCreateUser(t, pool), mustCreateUser(t, pool)
		task := mustCreateTask(t, repo, alice, "before")
		in := tasks.Input{Title: "after", Notes: "n", Status: tasks.StatusDone, DueDate: date(2025, 2, 3)}

		if _, err := repo.Update(ctx, bob, task.ID, task.Version, in); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Update(bob, alice's task) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Update(ctx, alice, task.ID+1_000_000, 1, in); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Update(missing) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Update(ctx, alice, task.ID, task.Version+1, in); !errors.Is(err, tasks.ErrConflict) {
			t.Errorf("Update(future version) error = %v, want ErrConflict", err)
		}

		updated, err := repo.Update(ctx, alice, task.ID, task.Version, in)
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if updated.Version != task.Version+1 || updated.Title != "after" || updated.Notes != "n" ||
			updated.Status != tasks.StatusDone || updated.DueDate == nil || updated.DueDate.String() != "2025-02-03" {
			t.Errorf("Update = %+v", updated)
		}
		if !updated.UpdatedAt.After(task.UpdatedAt) || !updated.CreatedAt.Equal(task.CreatedAt) {
			t.Errorf("Update: updated_at %v → %v, created_at %v → %v; want updated_at later and created_at kept",
				task.UpdatedAt, updated.UpdatedAt, task.CreatedAt, updated.CreatedAt)
		}
		if _, err := repo.Update(ctx, alice, task.ID, task.Version, in); !errors.Is(err, tasks.ErrConflict) {
			t.Errorf("Update(stale version) error = %v, want ErrConflict", err)
		}
		// Clearing the due date.
		in.DueDate = nil
		cleared, err := repo.Update(ctx, alice, task.ID, updated.Version, in)
		if err != nil || cleared.DueDate != nil || cleared.Version != updated.Version+1 {
			t.Errorf("Update(no due date) = %+v, %v; want DueDate nil and version %d", cleared, err, updated.Version+1)
		}
		if got, _ := repo.Get(ctx, alice, task.ID); got.Version != cleared.Version || got.Title != "after" {
			t.Errorf("Get after updates = %+v", got)
		}
	})

	t.Run("concurrent updates with the same version", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		for round := range 5 {
			task := mustCreateTask(t, repo, u, "race")
			const n = 2
			var wg sync.WaitGroup
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					_, errs[i] = repo.Update(ctx, u, task.ID, task.Version, tasks.Input{Title: "writer", Notes: string(rune('A' + i)), Status: tasks.StatusDoing})
				})
			}
			close(start)
			wg.Wait()
			var ok, conflicts int
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, tasks.ErrConflict):
					conflicts++
				default:
					t.Errorf("round %d: Update error = %v, want nil or ErrConflict", round, err)
				}
			}
			if ok != 1 || conflicts != n-1 {
				t.Errorf("round %d: %d updates succeeded and %d conflicted, want 1 and %d (errors %v)", round, ok, conflicts, n-1, errs)
			}
			if got, _ := repo.Get(ctx, u, task.ID); got.Version != task.Version+1 {
				t.Errorf("round %d: version after the race = %d, want %d", round, got.Version, task.Version+1)
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		alice, bob := mustCreateUser(t, pool), mustCreateUser(t, pool)
		task := mustCreateTask(t, repo, alice, "doomed")
		keep := mustCreateTask(t, repo, alice, "kept")
		if _, err := repo.Delete(ctx, bob, task.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Delete(bob, alice's task) error = %v, want ErrNotFound", err)
		}
		deleted, err := repo.Delete(ctx, alice, task.ID)
		if err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if deleted.ID != task.ID || deleted.Title != "doomed" {
			t.Errorf("Delete = %+v, want the deleted task", deleted)
		}
		if _, err := repo.Get(ctx, alice, task.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Get(deleted) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Delete(ctx, alice, task.ID); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Delete(deleted) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Update(ctx, alice, task.ID, 1, tasks.Input{Title: "x", Status: tasks.StatusTodo}); !errors.Is(err, tasks.ErrNotFound) {
			t.Errorf("Update(deleted) error = %v, want ErrNotFound", err)
		}
		if _, err := repo.Get(ctx, alice, keep.ID); err != nil {
			t.Errorf("Get(other task) after Delete: %v", err)
		}
	})

	t.Run("database constraints back the rules", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		for _, in := range []tasks.Input{
			{Title: "", Status: tasks.StatusTodo},
			{Title: strings.Repeat("a", 201), Status: tasks.StatusTodo},
			{Title: "t", Notes: strings.Repeat("a", 10001), Status: tasks.StatusTodo},
			{Title: "t", Status: "later"},
		} {
			if _, err := repo.Create(ctx, u, in); err == nil {
				t.Errorf("Create(%.40q, notes %d, %q) = nil error, want a check violation", in.Title, len(in.Notes), in.Status)
			}
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM tasks WHERE user_id = $1`, u); n != 0 {
			t.Errorf("%d invalid tasks stored", n)
		}
		// 200 multi-byte characters fit (char_length, not octet_length).
		if _, err := repo.Create(ctx, u, tasks.Input{Title: strings.Repeat("€", 200), Notes: strings.Repeat("€", 10000), Status: tasks.StatusTodo}); err != nil {
			t.Errorf("Create(200 × €, 10000 × €): %v", err)
		}
	})
}

func TestRepositoryEvents(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	repo := tasks.NewRepository(pool)
	ctx := t.Context()
	u := mustCreateUser(t, pool)
	task := mustCreateTask(t, repo, u, "t")
	other := mustCreateTask(t, repo, u, "other")

	kinds := []tasks.EventKind{tasks.EventCreated, tasks.EventUpdated, tasks.EventStatusChanged, tasks.EventUpdated, tasks.EventDeleted}
	for i, k := range kinds {
		if err := repo.AddEvent(ctx, u, task.ID, k, map[string]any{"n": i}); err != nil {
			t.Fatalf("AddEvent(%s): %v", k, err)
		}
	}
	if err := repo.AddEvent(ctx, u, other.ID, tasks.EventCreated, nil); err != nil {
		t.Fatalf("AddEvent(nil data): %v", err)
	}
	if err := repo.AddEvent(ctx, u, task.ID, "renamed", nil); err == nil {
		t.Error("AddEvent(unknown kind) = nil error, want a check violation")
	}

	events, err := repo.Events(ctx, task.ID, 3)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	var got []tasks.EventKind
	for i, e := range events {
		got = append(got, e.Kind)
		if e.TaskID != task.ID || e.CreatedAt.IsZero() {
			t.Errorf("event %d = %+v", i, e)
		}
		if want := float64(len(kinds) - 1 - i); e.Data["n"] != want {
			t.Errorf("event %d data = %v, want n = %v", i, e.Data, want)
		}
		if i > 0 && e.ID >= events[i-1].ID {
			t.Errorf("events not newest first: ids %d then %d", events[i-1].ID, e.ID)
		}
	}
	if diff := cmp.Diff([]tasks.EventKind{tasks.EventDeleted, tasks.EventUpdated, tasks.EventStatusChanged}, got); diff != "" {
		t.Errorf("Events(limit 3) kinds mismatch (-want +got):\n%s", diff)
	}
	if all, err := repo.Events(ctx, task.ID, 100); err != nil || len(all) != len(kinds) {
		t.Errorf("Events(limit 100) = %d events, %v; want %d", len(all), err, len(kinds))
	}
	if evs, err := repo.Events(ctx, other.ID, 10); err != nil || len(evs) != 1 || evs[0].Data == nil || len(evs[0].Data) != 0 {
		t.Errorf("Events(other) = %+v, %v; want one event with empty data", evs, err)
	}
	if evs, err := repo.Events(ctx, task.ID+1_000_000, 10); err != nil || len(evs) != 0 {
		t.Errorf("Events(no such task) = %+v, %v; want none", evs, err)
	}
}
