package tasks_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

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
