package cache

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// user is a cached value of group id.
type user struct {
	id      int64
	version int64
}

// counter is a loader that counts its calls and returns a new version of
// each key's value every time (the key "g:n" belongs to group g).
type counter struct {
	loads atomic.Int64
	gate  chan struct{} // if set, each load waits for a receive
}

func (c *counter) load(_ context.Context, key string) (user, error) {
	if c.gate != nil {
		<-c.gate
	}
	id, _ := strconv.ParseInt(key[:1], 10, 64)
	return user{id: id, version: c.loads.Add(1)}, nil
}

func newUsers(t *testing.T, ttl time.Duration, size int) *Keyed[string, user] {
	t.Helper()
	k := NewKeyed[string](KeyedOptions[user]{TTL: ttl, MaxSize: size, Group: func(u user) int64 { return u.id }})
	if err := k.Resync(t.Context()); err != nil { // live, as once the listener is connected
		t.Fatal(err)
	}
	return k
}

func mustGet(t *testing.T, k *Keyed[string, user], c *counter, key string) user {
	t.Helper()
	u, err := k.Get(t.Context(), key, c.load)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestKeyedServesFromMemoryUntilTTL(t *testing.T) {
	t.Parallel()
	const ttl = 200 * time.Millisecond
	k, c := newUsers(t, ttl, 100), &counter{}
	first := mustGet(t, k, c, "1:a")
	if again := mustGet(t, k, c, "1:a"); again != first || c.loads.Load() != 1 {
		t.Fatalf("second Get = %+v after %d loads, want %+v from memory (1 load)", again, c.loads.Load(), first)
	}
	time.Sleep(ttl + 50*time.Millisecond)
	if after := mustGet(t, k, c, "1:a"); after.version != 2 {
		t.Fatalf("Get after the TTL = %+v, want a new load (version 2)", after)
	}
}

func TestKeyedIsBounded(t *testing.T) {
	t.Parallel()
	k, c := newUsers(t, time.Minute, 100), &counter{}
	for i := range 1000 {
		mustGet(t, k, c, "1:"+strconv.Itoa(i))
	}
	k.entries.CleanUp()
	if n := k.Len(); n > 100 {
		t.Fatalf("%d entries after 1,000 keys, want at most MaxSize 100", n)
	}
}

func TestKeyedInvalidateGroup(t *testing.T) {
	t.Parallel()
	k, c := newUsers(t, time.Minute, 100), &counter{}
	a1, a2, b := mustGet(t, k, c, "1:x"), mustGet(t, k, c, "1:y"), mustGet(t, k, c, "2:z")
	k.InvalidateGroup(1)
	if got := mustGet(t, k, c, "1:x"); got == a1 {
		t.Errorf("1:x after InvalidateGroup(1) = %+v, the dropped value", got)
	}
	if got := mustGet(t, k, c, "1:y"); got == a2 {
		t.Errorf("1:y after InvalidateGroup(1) = %+v, the dropped value", got)
	}
	if got := mustGet(t, k, c, "2:z"); got != b {
		t.Errorf("2:z after InvalidateGroup(1) = %+v, want %+v kept", got, b)
	}
	if n := c.loads.Load(); n != 5 {
		t.Errorf("%d loads, want 5 (3, then group 1's 2 again)", n)
	}
	// As NOTIFY delivers it: the group's ID in decimal.
	k.Notify("2")
	b2 := mustGet(t, k, c, "2:z")
	if b2 == b {
		t.Errorf("2:z after Notify(\"2\") = %+v, the dropped value", b2)
	}
	// A payload that names no group drops every group.
	a3 := mustGet(t, k, c, "1:x")
	k.Notify("not a number")
	if got := mustGet(t, k, c, "1:x"); got == a3 {
		t.Errorf("1:x after Notify(garbage) = %+v, the dropped value", got)
	}
	if got := mustGet(t, k, c, "2:z"); got == b2 {
		t.Errorf("2:z after Notify(garbage) = %+v, the dropped value", got)
	}
}

// A load that began before the write committed read the old row: an
// invalidation that arrives while it runs must win over its result.
func TestKeyedInvalidationDuringLoad(t *testing.T) {
	t.Parallel()
	k, c := newUsers(t, time.Minute, 100), &counter{gate: make(chan struct{})}
	got := make(chan user)
	go func() {
		u, _ := k.Get(context.Background(), "1:a", c.load)
		got <- u
	}()
	time.Sleep(20 * time.Millisecond) // the load is waiting at the gate
	k.InvalidateGroup(1)
	c.gate <- struct{}{} // the stale load returns version 1
	c.gate <- struct{}{} // Get finds it stale and loads version 2
	if u := <-got; u.version != 2 {
		t.Fatalf("Get = %+v, want version 2 (the load begun after the invalidation)", u)
	}
	close(c.gate)
	if u := mustGet(t, k, c, "1:a"); u.version != 2 {
		t.Fatalf("next Get = %+v, want version 2 from memory", u)
	}
}

// Before the listener connects and while it is down, invalidations do
// not arrive, so nothing is served from memory; a reconnect drops all.
func TestKeyedLiveOnlyBetweenResyncAndLost(t *testing.T) {
	t.Parallel()
	k := NewKeyed[string](KeyedOptions[user]{TTL: time.Minute, MaxSize: 10, Group: func(u user) int64 { return u.id }})
	c := &counter{}
	mustGet(t, k, c, "1:a")
	mustGet(t, k, c, "1:a")
	if n := c.loads.Load(); n != 2 {
		t.Fatalf("%d loads before Resync, want 2 (no caching)", n)
	}
	_ = k.Resync(t.Context())
	cached := mustGet(t, k, c, "1:a")
	mustGet(t, k, c, "1:a")
	if n := c.loads.Load(); n != 3 {
		t.Fatalf("%d loads after Resync, want 3", n)
	}
	k.Lost()
	mustGet(t, k, c, "1:a")
	if n := c.loads.Load(); n != 4 {
		t.Fatalf("%d loads after Lost, want 4 (no caching)", n)
	}
	_ = k.Resync(t.Context())
	if u := mustGet(t, k, c, "1:a"); u == cached {
		t.Fatalf("after a reconnect Get = %+v, the entry from before (Resync must drop all)", u)
	}
}

func TestKeyedDoesNotKeepErrors(t *testing.T) {
	t.Parallel()
	k := newUsers(t, time.Minute, 10)
	var calls int
	var mu sync.Mutex
	failing := func(context.Context, string) (user, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return user{}, errors.New("boom")
	}
	for range 2 {
		if _, err := k.Get(t.Context(), "1:a", failing); err == nil {
			t.Fatal("Get returned no error from a failing load")
		}
	}
	if calls != 2 {
		t.Fatalf("%d loads, want 2 (a failure is not kept)", calls)
	}
}
