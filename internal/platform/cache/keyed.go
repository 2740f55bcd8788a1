package cache

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
)

// Keyed is a bounded cache-aside map (otter underneath) whose entries
// each belong to a group (for the user cache: the user ID), so that a
// write can drop every entry of one group without knowing their keys.
//
// Contract:
//   - Every entry expires TTL after its load began, so no value is older
//     than TTL, whatever invalidation was missed.
//   - At most MaxSize entries are kept (otter's W-TinyLFU evicts).
//   - A load that began before an InvalidateGroup of its group, or an
//     InvalidateAll, is never served afterwards: each entry records a
//     sequence number taken when its load began, and each invalidation
//     the number it was given. This covers the load in flight while
//     the write commits, which otter's per-key invalidation cannot see
//     when the keys of a group are unknown.
//   - Concurrent misses of one key share one load; a failed load is not
//     kept.
//   - It serves from memory only while it is told that invalidations
//     arrive (pgnotify.Handler: between Resync and Lost). Before the
//     first Resync and while the listener is down, every Get loads, so a
//     change made on another instance is never missed for longer than a
//     reconnect.
type Keyed[K comparable, V any] struct {
	entries *otter.Cache[K, stamped[V]]
	group   func(V) int64
	ttl     time.Duration

	seq  atomic.Uint64 // bumped by every invalidation
	live atomic.Bool   // invalidations arrive: entries may be served

	mu     sync.RWMutex
	all    uint64              // seq of the last InvalidateAll
	groups map[int64]groupMark // seq of each group's last invalidation, within the last TTL
	pruned time.Time           // when groups was last pruned
}

// stamped is an entry with the sequence number taken when its load began.
type stamped[V any] struct {
	val    V
	seq    uint64
	loaded time.Time // when the load began; the entry expires TTL later
}

type groupMark struct {
	seq uint64
	at  time.Time
}

// KeyedOptions configures a Keyed.
type KeyedOptions[V any] struct {
	TTL     time.Duration // required: how long an entry lives after its load began
	MaxSize int           // required: the most entries kept
	Group   func(V) int64 // required: the group a value belongs to (InvalidateGroup)
}

// NewKeyed returns an empty Keyed, not live until Resync.
func NewKeyed[K comparable, V any](o KeyedOptions[V]) *Keyed[K, V] {
	k := &Keyed[K, V]{group: o.Group, ttl: o.TTL, groups: map[int64]groupMark{}}
	k.entries = otter.Must(&otter.Options[K, stamped[V]]{
		MaximumSize: o.MaxSize,
		Logger:      ctxLogger{},
		ExpiryCalculator: otter.ExpiryWritingFunc(func(e otter.Entry[K, stamped[V]]) time.Duration {
			return max(o.TTL-time.Now().Sub(e.Value.loaded), time.Nanosecond)
		}),
	})
	return k
}

// Get returns key's value from memory when a fresh one is there, else
// from load (whose result is kept unless an invalidation of its group
// came while it ran). load's errors are returned as they are.
func (k *Keyed[K, V]) Get(ctx context.Context, key K, load func(context.Context, K) (V, error)) (V, error) {
	if !k.live.Load() {
		return load(ctx, key)
	}
	loader := otter.LoaderFunc[K, stamped[V]](func(ctx context.Context, key K) (stamped[V], error) {
		// The time first, then the number: an entry voided by a mark
		// (seq below it) began before the mark's time, so it has expired
		// TTL after that time, when InvalidateGroup may prune the mark.
		s := stamped[V]{loaded: time.Now()}
		s.seq = k.seq.Load()
		var err error
		s.val, err = load(ctx, key)
		return s, err
	})
	// Twice at most: an entry found stale is dropped and loaded again;
	// if an invalidation lands during that load too, load without the
	// cache rather than loop.
	for range 2 {
		e, err := k.entries.Get(ctx, key, loader)
		if err != nil {
			var zero V
			return zero, err
		}
		if k.fresh(e) {
			return e.val, nil
		}
		k.entries.Invalidate(key)
	}
	return load(ctx, key)
}

// fresh reports whether no invalidation came after e's load began.
func (k *Keyed[K, V]) fresh(e stamped[V]) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if e.seq < k.all {
		return false
	}
	m, ok := k.groups[k.group(e.val)]
	return !ok || e.seq >= m.seq
}

// InvalidateGroup drops every entry of group g, and any load of it in
// flight.
func (k *Keyed[K, V]) InvalidateGroup(g int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	seq := k.seq.Add(1)
	now := time.Now() // after the number: see Get's loader
	k.groups[g] = groupMark{seq: seq, at: now}
	if now.Sub(k.pruned) > k.ttl {
		// A mark older than TTL guards nothing: every entry loaded
		// before it has expired.
		for id, m := range k.groups {
			if now.Sub(m.at) > k.ttl {
				delete(k.groups, id)
			}
		}
		k.pruned = now
	}
}

// InvalidateAll drops every entry, and any load in flight.
func (k *Keyed[K, V]) InvalidateAll() {
	k.mu.Lock()
	k.all = k.seq.Add(1)
	clear(k.groups)
	k.mu.Unlock()
	k.entries.InvalidateAll()
}

// Len is the number of entries held (an estimate; expired entries not yet
// cleaned up may count).
func (k *Keyed[K, V]) Len() int { return k.entries.EstimatedSize() }

// Notify drops the group named by payload (its ID in decimal), as sent by
// NOTIFY in the writing transaction. A payload that is not a number
// drops everything: better a reload than a stale entry.
func (k *Keyed[K, V]) Notify(payload string) {
	g, err := strconv.ParseInt(payload, 10, 64)
	if err != nil {
		k.InvalidateAll()
		return
	}
	k.InvalidateGroup(g)
}

// Resync drops everything (invalidations may have been missed while the
// listener was away) and serves from memory again. It never fails.
func (k *Keyed[K, V]) Resync(context.Context) error {
	k.InvalidateAll()
	k.live.Store(true)
	return nil
}

// Lost stops serving from memory until the next Resync.
func (k *Keyed[K, V]) Lost() { k.live.Store(false) }

// ctxLogger sends otter's few log lines to the context's logger, never
// to slog.Default. Keyed uses no refresh or bulk load, so the only line
// otter can write is a panic in its maintenance, logged with
// context.Background(): logging.FromContext then gives the discard logger,
// and such a panic goes unlogged (it is also recovered by otter).
type ctxLogger struct{}

func (ctxLogger) Warn(ctx context.Context, msg string, err error) {
	logging.FromContext(ctx).WarnContext(ctx, "cache: "+msg, "err", err)
}

func (ctxLogger) Error(ctx context.Context, msg string, err error) {
	logging.FromContext(ctx).ErrorContext(ctx, "cache: "+msg, "err", err)
}
