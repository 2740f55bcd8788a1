package tasks_test

import (
	"errors"
	"slices"
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
