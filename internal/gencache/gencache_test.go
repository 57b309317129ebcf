package gencache

import (
	"testing"
	"time"
)

type value struct{ parts int }

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func liveCache(maxBytes int64, ttl time.Duration) *Cache[*value] {
	c := New[*value](maxBytes, ttl)
	c.Live(true)
	return c
}

func held(c *Cache[*value], key string, at time.Time) bool {
	_, ok := c.Get(key, at, nil)
	return ok
}

// The least recently used values make room, the bytes held stay within the bound, and a
// value larger than an eighth of it is not kept.
func TestBoundEvictsLeastRecentlyUsed(t *testing.T) {
	c := liveCache(800, time.Minute)
	for _, key := range []string{"a", "b", "c", "d"} {
		c.Put(key, c.Gen(), now, &value{}, 100)
	}
	if !held(c, "a", now) { // a is now the most recently used
		t.Fatal("a was not kept")
	}
	for _, key := range []string{"e", "f", "g", "h", "i"} {
		c.Put(key, c.Gen(), now, &value{}, 100)
	}
	if held(c, "b", now) || !held(c, "a", now) || !held(c, "i", now) {
		t.Error("the least recently used value was not the one dropped")
	}
	if b := c.Stats().Bytes; b != 800 {
		t.Errorf("bytes held %d, want 800", b)
	}
	c.Put("big", c.Gen(), now, &value{}, 101)
	if held(c, "big", now) {
		t.Error("a value over an eighth of the bound was kept")
	}
	c.Put("a", c.Gen(), now, &value{}, 50) // replaces a, and its size
	if b := c.Stats().Bytes; b != 750 {
		t.Errorf("bytes held after a replacement %d, want 750", b)
	}
}

// A value read before a change is refused; one stored before a change is dropped.
func TestGenerationRefusal(t *testing.T) {
	c := liveCache(1<<20, time.Minute)
	gen := c.Gen()
	c.Put("kept", gen, now, &value{}, 10)
	c.Changed()
	c.Put("read before the change", gen, now, &value{}, 10)
	if held(c, "kept", now) || held(c, "read before the change", now) {
		t.Error("a value of an old generation was served")
	}
	c.Put("after", c.Gen(), now, &value{}, 10)
	if !held(c, "after", now) {
		t.Error("a value of the current generation was not kept")
	}
	if s := c.Stats(); s.Invalidations != 1 || s.Hits != 1 || s.Misses != 2 || s.Bytes != 10 {
		t.Errorf("stats %+v", s)
	}
}

// A value is served until its time limit, not after.
func TestTimeLimit(t *testing.T) {
	c := liveCache(1<<20, time.Minute)
	c.Put("k", c.Gen(), now, &value{}, 10)
	if !held(c, "k", now.Add(time.Minute)) {
		t.Error("dropped before its time limit")
	}
	if held(c, "k", now.Add(time.Minute+time.Nanosecond)) {
		t.Error("served after its time limit")
	}
	if b := c.Stats().Bytes; b != 0 {
		t.Errorf("an expired value still counts %d bytes", b)
	}
}

// Grow adds to the value held, under the lock, and evicts to stay within the bound; a value
// replaced or dropped meanwhile is left alone.
func TestGrow(t *testing.T) {
	c := liveCache(800, time.Minute)
	first, second := &value{}, &value{}
	c.Put("old", c.Gen(), now, &value{}, 100)
	c.Put("k", c.Gen(), now, first, 100)
	grow := func(v *value) int64 { v.parts++; return 650 }
	c.Grow("k", first, grow)
	var parts int
	if _, ok := c.Get("k", now, func(v *value) { parts = v.parts }); !ok || parts != 1 {
		t.Fatalf("the grown value: held %v, parts %d", ok, parts)
	}
	if held(c, "old", now) || c.Stats().Bytes != 750 {
		t.Errorf("growing did not evict to stay within the bound: %d bytes", c.Stats().Bytes)
	}
	c.Put("k", c.Gen(), now, second, 100)
	c.Grow("k", first, grow)
	c.Grow("gone", first, grow)
	if first.parts != 1 || second.parts != 0 || c.Stats().Bytes != 100 {
		t.Errorf("a value no longer held was grown: %d, %d, %d bytes", first.parts, second.parts, c.Stats().Bytes)
	}
}

// While not live the cache serves and stores nothing, and counts misses.
func TestNotLive(t *testing.T) {
	c := New[*value](1<<20, time.Minute)
	c.Put("k", c.Gen(), now, &value{}, 10)
	c.Live(true)
	if held(c, "k", now) {
		t.Error("stored before it was live")
	}
	c.Put("k", c.Gen(), now, &value{}, 10)
	c.Live(false)
	if held(c, "k", now) {
		t.Error("served while not live")
	}
	if s := c.Stats(); s.Hits != 0 || s.Misses != 2 {
		t.Errorf("stats %+v", s)
	}
}
