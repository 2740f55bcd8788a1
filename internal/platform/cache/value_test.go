package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestValueTTL: one load per TTL; Invalidate forces the next load; a
// failed load is not kept.
func TestValueTTL(t *testing.T) {
	t.Parallel()
	var loads atomic.Int64
	fail := false
	v := NewValue(time.Minute, func(context.Context) (int64, error) {
		if fail {
			return 0, errors.New("down")
		}
		return loads.Add(1), nil
	})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v.now = func() time.Time { return now }
	get := func() int64 {
		t.Helper()
		got, err := v.Get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if a, b := get(), get(); a != 1 || b != 1 {
		t.Errorf("two gets within the TTL = %d, %d; want one load (1, 1)", a, b)
	}
	now = now.Add(time.Minute)
	if got := get(); got != 2 {
		t.Errorf("get after the TTL = %d, want a second load (2)", got)
	}
	v.Invalidate()
	if got := get(); got != 3 {
		t.Errorf("get after Invalidate = %d, want a third load (3)", got)
	}
	v.Invalidate()
	fail = true
	if _, err := v.Get(t.Context()); err == nil {
		t.Error("failed load: no error")
	}
	fail = false
	if got := get(); got != 4 {
		t.Errorf("get after a failed load = %d, want a fresh load (4)", got)
	}
}

// TestValueSharedLoad: concurrent misses wait for one load; a caller
// whose context ends stops waiting.
func TestValueSharedLoad(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var loads atomic.Int64
	v := NewValue(time.Minute, func(context.Context) (string, error) {
		loads.Add(1)
		<-release
		return "ok", nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := v.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: err %v, want context.Canceled", err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := v.Get(t.Context()); got != "ok" || err != nil {
				t.Errorf("Get = %q, %v", got, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads for 9 concurrent misses, want 1", n)
	}
}
