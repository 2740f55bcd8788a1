// Package cache holds in-process caches for the hot paths (cache-aside):
// what a page shows on every view is read from the database once per TTL,
// not once per request. Value is one value (the home page's facts);
// Keyed is a bounded map whose entries are dropped by group when another
// instance announces a write (the signed-in user, by session).
package cache

import (
	"context"
	"sync"
	"time"
)

// Value is one value read through a loader and kept for a TTL. Every
// entry expires (no value is trusted forever, so a change made elsewhere,
// say by another instance, shows within the TTL); Invalidate drops it at
// once after a local write. Concurrent misses share one load, and a
// failed load is not cached. The zero Value is not usable: see NewValue.
type Value[T any] struct {
	ttl  time.Duration
	load func(context.Context) (T, error)
	now  func() time.Time // time.Now; tests move it

	mu       sync.Mutex
	val      T
	expires  time.Time  // zero: nothing cached
	inFlight *flight[T] // the load in progress, if any
	gen      uint64     // bumped by Invalidate, so a load begun before it is not kept
}

type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// NewValue returns a Value that calls load on a miss and keeps its result
// for ttl.
func NewValue[T any](ttl time.Duration, load func(context.Context) (T, error)) *Value[T] {
	return &Value[T]{ttl: ttl, load: load, now: time.Now}
}

// Get returns the cached value, or loads it. A caller that joins a load
// in progress waits for it, or for its own ctx.
func (v *Value[T]) Get(ctx context.Context) (T, error) {
	v.mu.Lock()
	if !v.expires.IsZero() && v.now().Before(v.expires) {
		val := v.val
		v.mu.Unlock()
		return val, nil
	}
	f := v.inFlight
	if f == nil {
		f = &flight[T]{done: make(chan struct{})}
		v.inFlight = f
		go v.fill(context.WithoutCancel(ctx), f, v.gen)
	}
	v.mu.Unlock()
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// fill runs one load for every caller waiting on f. It runs detached from
// the first caller's cancellation (that caller may give up; the others
// still wait), bounded by the loader's own timeouts.
func (v *Value[T]) fill(ctx context.Context, f *flight[T], gen uint64) {
	f.val, f.err = v.load(ctx)
	v.mu.Lock()
	if f.err == nil && gen == v.gen {
		v.val, v.expires = f.val, v.now().Add(v.ttl)
	}
	v.inFlight = nil
	v.mu.Unlock()
	close(f.done)
}

// Invalidate drops the cached value; the next Get loads it again.
func (v *Value[T]) Invalidate() {
	v.mu.Lock()
	var zero T
	v.val, v.expires = zero, time.Time{}
	v.gen++
	v.mu.Unlock()
}
