package tasks

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/web/layout"
)

// benchView is a list page of 25 tasks, as make bench's seeded user sees it.
func benchView() IndexView {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	due := NewDate(now.AddDate(0, 0, 3))
	var items []Task
	for i := range 25 {
		items = append(items, Task{ID: int64(i + 1), UserID: 1, Title: fmt.Sprintf("Benchmark task %d: write the quarterly report", i),
			Status: StatusTodo, DueDate: &due, Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	return IndexView{Page: Page{Items: items, NextCursor: "next"}, Today: NewDate(now),
		Viewer: auth.Identity{UserID: 1, Email: "bench@example.com", Role: "user"}}
}

// BenchmarkIndexPage renders the full list page; make bench measures the
// same page over HTTP. Run: go test ./internal/tasks -run='^$' -bench=Index.
func BenchmarkIndexPage(b *testing.B) {
	v := benchView()
	ctx := auth.WithIdentity(layout.WithRequest(context.Background(), "/tasks", ""), v.Viewer)
	b.ReportAllocs()
	for b.Loop() {
		if err := IndexPage(v).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMoreRows renders the htmx fragment of 25 rows.
func BenchmarkMoreRows(b *testing.B) {
	v := benchView()
	ctx := auth.WithIdentity(layout.WithRequest(context.Background(), "/tasks", ""), v.Viewer)
	b.ReportAllocs()
	for b.Loop() {
		if err := MoreRows(v).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
