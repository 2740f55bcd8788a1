package tasks_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

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
	if everyone, err := svc.List(ctx, admin, tasks.ListParams{Everyone: true}); err != nil || len(everyone.Items) != 4 {
		t.Errorf("admin's list of everyone = %d items, %v; want 4", len(everyone.Items), err)
	}
	if _, err := svc.List(ctx, me, tasks.ListParams{Everyone: true}); !errors.Is(err, tasks.ErrNotAdmin) {
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
