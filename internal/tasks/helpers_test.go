package tasks_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// testNow is the fixed clock of test services.
var testNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// newTestService returns a service on pool with the clock at testNow.
func newTestService(t *testing.T, pool *pgxpool.Pool) *tasks.Service {
	t.Helper()
	return tasks.NewService(pool, func() time.Time { return testNow })
}

// userSeq makes the emails of mustCreateUser unique within a test binary.
var userSeq atomic.Int64

// mustCreateUser inserts a user with a placeholder hash and returns its id.
func mustCreateUser(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	email := fmt.Sprintf("user%d@example.com", userSeq.Add(1))
	var id int64
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`, email).Scan(&id)
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return id
}

// mustCreateTask inserts a todo task with title through the repository.
func mustCreateTask(t *testing.T, repo *tasks.Repository, userID int64, title string) tasks.Task {
	t.Helper()
	task, err := repo.Create(t.Context(), userID, tasks.Input{Title: title, Status: tasks.StatusTodo})
	if err != nil {
		t.Fatalf("Create(%d, %q): %v", userID, title, err)
	}
	return task
}

// mustCreateTasks inserts n tasks of userID titled "prefix 1" … "prefix n"
// with SQL, all with the same created_at, and returns their ids in list
// order (newest first: here, highest id first).
func mustCreateTasks(t *testing.T, pool *pgxpool.Pool, userID int64, n int, prefix string, createdAt time.Time) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
INSERT INTO tasks (user_id, title, created_at, updated_at)
SELECT $1, $2 || ' ' || g, $3, $3 FROM generate_series(1, $4::int) g
RETURNING id`, userID, prefix, createdAt, n)
	if err != nil {
		t.Fatalf("insert %d tasks: %v", n, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("insert %d tasks: %v", n, err)
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids
}

// mustExec runs SQL that must succeed.
func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

// mustCount returns the result of a count(*) query.
func mustCount(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return n
}

// eventKinds returns the kinds of a task's events, oldest first, read with
// SQL (not through the code under test).
func eventKinds(t *testing.T, pool *pgxpool.Pool, taskID int64) []tasks.EventKind {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT kind FROM task_events WHERE task_id = $1 ORDER BY id`, taskID)
	if err != nil {
		t.Fatalf("events of %d: %v", taskID, err)
	}
	defer rows.Close()
	kinds := []tasks.EventKind{}
	for rows.Next() {
		var k tasks.EventKind
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("events of %d: %v", taskID, err)
	}
	return kinds
}

// lastEvent returns the newest event of a task, read with SQL.
func lastEvent(t *testing.T, pool *pgxpool.Pool, taskID int64) (tasks.EventKind, map[string]any) {
	t.Helper()
	var (
		kind tasks.EventKind
		data map[string]any
	)
	err := pool.QueryRow(context.Background(), `SELECT kind, data FROM task_events WHERE task_id = $1 ORDER BY id DESC LIMIT 1`, taskID).Scan(&kind, &data)
	if err != nil {
		t.Fatalf("last event of %d: %v", taskID, err)
	}
	return kind, data
}

// ids returns the ids of ts, in order.
func ids(ts []tasks.Task) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// date returns a *Date for y-m-d.
func date(y int, m time.Month, d int) *tasks.Date {
	dd := tasks.Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	return &dd
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

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
