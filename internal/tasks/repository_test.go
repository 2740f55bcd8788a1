package tasks_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// listAll follows NextCursor from the first page to the last and returns
// every page's ids; it fails after 100 pages.
func listAll(t *testing.T, repo *tasks.Repository, userID int64, p tasks.ListParams) [][]int64 {
	t.Helper()
	var pages [][]int64
	for range 100 {
		page, err := repo.List(t.Context(), userID, p)
		if err != nil {
			t.Fatalf("List(%d, %+v): %v", userID, p, err)
		}
		pages = append(pages, ids(page.Items))
		if page.NextCursor == "" {
			return pages
		}
		p.Cursor = page.NextCursor
	}
	t.Fatalf("List(%d): more than 100 pages", userID)
	return nil
}

// TestRepositoryListPagination shares one database; each subtest has its
// own user.
func TestRepositoryListPagination(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	repo := tasks.NewRepository(pool)
	ctx := t.Context()
	base := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)

	t.Run("empty list", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 20})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if page.Items == nil || len(page.Items) != 0 || page.NextCursor != "" {
			t.Errorf("List(no tasks) = %#v, want an empty non-nil Items and no cursor", page)
		}
		// Also when a filter matches nothing among existing tasks.
		mustCreateTask(t, repo, u, "something")
		page, err = repo.List(ctx, u, tasks.ListParams{Limit: 20, Status: tasks.StatusDone})
		if err != nil {
			t.Fatalf("List(done): %v", err)
		}
		if page.Items == nil || len(page.Items) != 0 || page.NextCursor != "" {
			t.Errorf("List(no match) = %#v, want an empty non-nil Items and no cursor", page)
		}
	})

	t.Run("newest first", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		// Three tasks an hour apart, inserted oldest last so that id order
		// and time order disagree.
		newest := mustCreateTasks(t, pool, u, 1, "newest", base.Add(2*time.Hour))
		oldest := mustCreateTasks(t, pool, u, 1, "oldest", base)
		middle := mustCreateTasks(t, pool, u, 1, "middle", base.Add(time.Hour))
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 20})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		want := []int64{newest[0], middle[0], oldest[0]}
		if diff := cmp.Diff(want, ids(page.Items)); diff != "" {
			t.Errorf("List order mismatch (-want +got):\n%s", diff)
		}
		if page.Items[0].Title != "newest 1" || page.Items[0].UserID != u || page.Items[0].Status != tasks.StatusTodo || page.Items[0].Version != 1 {
			t.Errorf("List first item = %+v", page.Items[0])
		}
	})

	t.Run("same created_at ordered by id and paged without gaps", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		later := mustCreateTasks(t, pool, u, 2, "later", base.Add(time.Minute))
		same := mustCreateTasks(t, pool, u, 7, "same", base) // identical created_at
		earlier := mustCreateTasks(t, pool, u, 2, "earlier", base.Add(-time.Minute))
		want := slices.Concat(later, same, earlier)

		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 20})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if diff := cmp.Diff(want, ids(page.Items)); diff != "" {
			t.Errorf("List order mismatch (-want +got):\n%s", diff)
		}
		// Pages of 2 and 3 cut through the run of identical times.
		for _, limit := range []int{1, 2, 3} {
			pages := listAll(t, repo, u, tasks.ListParams{Limit: limit})
			if diff := cmp.Diff(want, slices.Concat(pages...)); diff != "" {
				t.Errorf("limit %d: paged ids mismatch (-want +got):\n%s\npages: %v", limit, diff, pages)
			}
			for i, p := range pages {
				if len(p) > limit || len(p) == 0 {
					t.Errorf("limit %d: page %d has %d items", limit, i, len(p))
				}
			}
		}
	})

	t.Run("exactly limit rows has no next page", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		mustCreateTasks(t, pool, u, 5, "t", base)
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 5})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Items) != 5 || page.NextCursor != "" {
			t.Errorf("List(5 tasks, limit 5) = %d items, cursor %q; want 5 and no cursor", len(page.Items), page.NextCursor)
		}
	})

	t.Run("limit plus one rows has a last page of one", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		all := mustCreateTasks(t, pool, u, 6, "t", base)
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 5})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Items) != 5 || page.NextCursor == "" {
			t.Fatalf("List(6 tasks, limit 5) = %d items, cursor %q; want 5 and a cursor", len(page.Items), page.NextCursor)
		}
		last, err := repo.List(ctx, u, tasks.ListParams{Limit: 5, Cursor: page.NextCursor})
		if err != nil {
			t.Fatalf("List(page 2): %v", err)
		}
		if diff := cmp.Diff(all[5:], ids(last.Items)); diff != "" || last.NextCursor != "" {
			t.Errorf("page 2 = %v, cursor %q; want %v and no cursor", ids(last.Items), last.NextCursor, all[5:])
		}
	})

	t.Run("45 tasks by 20", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		var want []int64
		// Five distinct times with nine tasks each.
		for i := range 5 {
			want = append(mustCreateTasks(t, pool, u, 9, "t", base.Add(time.Duration(i)*time.Second)), want...)
		}
		pages := listAll(t, repo, u, tasks.ListParams{Limit: 20})
		var sizes []int
		for _, p := range pages {
			sizes = append(sizes, len(p))
		}
		if diff := cmp.Diff([]int{20, 20, 5}, sizes); diff != "" {
			t.Errorf("page sizes mismatch (-want +got):\n%s", diff)
		}
		got := slices.Concat(pages...)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("paged ids mismatch (-want +got):\n%s", diff)
		}
		seen := map[int64]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("task %d listed twice", id)
			}
			seen[id] = true
		}
	})

	t.Run("real timestamps keep their microseconds in the cursor", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		var want []int64
		for range 7 {
			want = append([]int64{mustCreateTask(t, repo, u, "t").ID}, want...)
		}
		if diff := cmp.Diff(want, slices.Concat(listAll(t, repo, u, tasks.ListParams{Limit: 2})...)); diff != "" {
			t.Errorf("paged ids mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("status filter pages too", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		all := mustCreateTasks(t, pool, u, 9, "t", base)
		// Every third task is done.
		var done, todo []int64
		for i, id := range all {
			if i%3 == 0 {
				mustExec(t, pool, `UPDATE tasks SET status = 'done' WHERE id = $1`, id)
				done = append(done, id)
			} else {
				todo = append(todo, id)
			}
		}
		if diff := cmp.Diff(done, slices.Concat(listAll(t, repo, u, tasks.ListParams{Limit: 2, Status: tasks.StatusDone})...)); diff != "" {
			t.Errorf("done mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(todo, slices.Concat(listAll(t, repo, u, tasks.ListParams{Limit: 4, Status: tasks.StatusTodo})...)); diff != "" {
			t.Errorf("todo mismatch (-want +got):\n%s", diff)
		}
		page, err := repo.List(ctx, u, tasks.ListParams{Limit: 20, Status: tasks.StatusDoing})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("List(doing) = %v, %v; want no tasks", ids(page.Items), err)
		}
	})

	t.Run("other users' tasks are never listed", func(t *testing.T) {
		t.Parallel()
		alice, bob := mustCreateUser(t, pool), mustCreateUser(t, pool)
		mine := mustCreateTasks(t, pool, alice, 3, "shared word", base)
		mustCreateTasks(t, pool, bob, 4, "shared word", base)
		for _, p := range []tasks.ListParams{
			{Limit: 20},
			{Limit: 1},
			{Limit: 20, Query: "shared"},
			{Limit: 20, Status: tasks.StatusTodo},
		} {
			if diff := cmp.Diff(mine, slices.Concat(listAll(t, repo, alice, p)...)); diff != "" {
				t.Errorf("List(alice, %+v) mismatch (-want +got):\n%s", p, diff)
			}
		}
		// Nor through a cursor made from another user's task.
		bobsPage, err := repo.List(ctx, bob, tasks.ListParams{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		page, err := repo.List(ctx, alice, tasks.ListParams{Limit: 20, Cursor: bobsPage.NextCursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Items {
			if task.UserID != alice {
				t.Errorf("List(alice, bob's cursor) returned bob's task %d", task.ID)
			}
		}
		// Owner 0 is no one: everyone's tasks take the separately named ListAll.
		if page, err := repo.List(ctx, 0, tasks.ListParams{Limit: 20}); err != nil || len(page.Items) != 0 {
			t.Errorf("List(0) = %d tasks, %v; want none", len(page.Items), err)
		}
		all, err := repo.ListAll(ctx, tasks.ListParams{Limit: 100, Query: "shared"})
		if err != nil {
			t.Fatal(err)
		}
		owners := map[int64]bool{}
		for _, task := range all.Items {
			owners[task.UserID] = true
		}
		if !owners[alice] || !owners[bob] {
			t.Errorf("ListAll owners = %v, want alice (%d) and bob (%d) among them", owners, alice, bob)
		}
	})

	t.Run("bad cursor", func(t *testing.T) {
		t.Parallel()
		u := mustCreateUser(t, pool)
		_, err := repo.List(ctx, u, tasks.ListParams{Limit: 20, Cursor: "not a cursor"})
		if !errors.Is(err, tasks.ErrBadCursor) {
			t.Errorf("List(bad cursor) error = %v, want ErrBadCursor", err)
		}
	})
}

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

// TestRepositoryListWithHead: the batched read returns the same page as
// List (and ListAll) and the log's head as Feed.Head, and refuses a
// cursor it did not make.
func TestRepositoryListWithHead(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	repo := tasks.NewRepository(pool)
	ctx := t.Context()
	u, other := mustCreateUser(t, pool), mustCreateUser(t, pool)
	for _, title := range []string{"one", "two", "three"} {
		mustCreateTask(t, repo, u, title)
	}
	mustCreateTask(t, repo, other, "not yours")
	if _, err := pool.Exec(ctx, `INSERT INTO task_events (task_id, user_id, kind) VALUES (1, $1, 'updated'), (1, $1, 'updated')`, u); err != nil {
		t.Fatal(err)
	}
	wantHead, err := tasks.NewFeed(pool).Head(ctx)
	if err != nil || wantHead == 0 {
		t.Fatalf("Head = %d, %v; want the newest event", wantHead, err)
	}

	p := tasks.ListParams{Limit: 2}
	want, err := repo.List(ctx, u, p)
	if err != nil {
		t.Fatal(err)
	}
	page, head, err := repo.ListWithHead(ctx, u, p)
	if err != nil {
		t.Fatalf("ListWithHead: %v", err)
	}
	if diff := cmp.Diff(want, page); diff != "" || head != wantHead {
		t.Errorf("ListWithHead = head %d, page diff (-List +got):\n%s; want head %d", head, diff, wantHead)
	}
	wantAll, err := repo.ListAll(ctx, tasks.ListParams{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	all, head, err := repo.ListAllWithHead(ctx, tasks.ListParams{Limit: 10})
	if diff := cmp.Diff(wantAll, all); err != nil || diff != "" || head != wantHead || len(all.Items) != 4 {
		t.Errorf("ListAllWithHead = %d items, head %d, err %v, diff (-ListAll +got):\n%s", len(all.Items), head, err, diff)
	}
	if _, _, err := repo.ListWithHead(ctx, u, tasks.ListParams{Limit: 2, Cursor: "not-a-cursor"}); !errors.Is(err, tasks.ErrBadCursor) {
		t.Errorf("ListWithHead(bad cursor) error = %v, want ErrBadCursor", err)
	}
}
