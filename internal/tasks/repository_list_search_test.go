package tasks_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

func TestRepositorySearch(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	repo := tasks.NewRepository(pool)
	ctx := t.Context()
	u := mustCreateUser(t, pool)
	other := mustCreateUser(t, pool)

	create := func(title, notes string) int64 {
		task, err := repo.Create(ctx, u, tasks.Input{Title: title, Notes: notes, Status: tasks.StatusTodo})
		if err != nil {
			t.Fatalf("Create(%q): %v", title, err)
		}
		return task.ID
	}
	milk := create("Buy milk", "")
	bread := create("Bake", "bread and butter")
	report := create("Quarterly report", "send to Milk Inc. by Friday")
	percent := create("Raise by 100%", "ask nicely")
	mustExec(t, pool, `INSERT INTO tasks (user_id, title, notes) VALUES ($1, 'Buy milk too', 'milk')`, other)

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"word in title", "milk", []int64{report, milk}},
		{"word in title, other case", "MILK", []int64{report, milk}},
		{"word in notes", "butter", []int64{bread}},
		{"two words", "bread butter", []int64{bread}},
		{"phrase", `"quarterly report"`, []int64{report}},
		{"no match", "cheese", []int64{}},
		{"SQL injection", `' OR 1=1--`, []int64{}},
		{"percent", "%", []int64{}},
		{"underscore", "_", []int64{}},
		{"backslash and quotes", `\' " \\`, []int64{}},
		{"tsquery syntax", "milk & !bread | (", nil}, // any rows, no error
		{"10 KB", strings.Repeat("x", 10*1024), []int64{}},
		{"10 KB of words", strings.Repeat("milk ", 2048), []int64{report, milk}},
		{"number", "100", []int64{percent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := repo.List(ctx, u, tasks.ListParams{Limit: 100, Query: tt.query})
			if err != nil {
				t.Fatalf("List(q=%.40q): %v", tt.query, err)
			}
			for _, task := range page.Items {
				if task.UserID != u {
					t.Errorf("List(q=%.40q) returned another user's task %d", tt.query, task.ID)
				}
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, ids(page.Items)); diff != "" {
				t.Errorf("List(q=%.40q) mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}

	t.Run("search with status filter", func(t *testing.T) {
		mustExec(t, pool, `UPDATE tasks SET status = 'done' WHERE id = $1`, milk)
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 100, Query: "milk", Status: tasks.StatusDone})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{milk}, ids(page.Items)); diff != "" {
			t.Errorf("List(q=milk, done) mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("search follows updates", func(t *testing.T) {
		if _, err := repo.Update(ctx, u, bread, 1, tasks.Input{Title: "Bake", Notes: "cake", Status: tasks.StatusTodo}); err != nil {
			t.Fatal(err)
		}
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 100, Query: "butter"})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("List(q=butter) after the notes changed = %v, %v; want none", ids(page.Items), err)
		}
	})
}
