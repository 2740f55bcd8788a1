package tasks_test

import (
	"context"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

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
