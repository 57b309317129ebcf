// Package gencache is the in-memory cache under the API's catalogue responses (api.Cache) and
// the site's anonymous pages (web.PageCache): a least-recently-used set of values keyed by
// string, bounded in bytes, that every instance empties when PostgreSQL announces a change.
//
// Correctness rests on one rule: a value is stored under the generation that was current before
// its database reads began (Gen), and is only served while that generation is still current. A
// change that commits while a request is reading bumps the generation (Changed), so what that
// request read is never served to anyone else. While the cache cannot hear those announcements
// (Live(false)) it serves and stores nothing. Each value is also kept at most a time limit, a
// bound on staleness should an announcement ever be missed without the connection being seen to
// drop.
package gencache

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// Cache holds values of type V (compared by identity in Grow: a pointer, typically).
type Cache[V comparable] struct {
	maxBytes int64
	ttl      time.Duration
	gen      atomic.Uint64
	live     atomic.Bool

	mu      sync.Mutex
	entries map[string]*list.Element
	order   *list.List // most recently used first
	bytes   int64

	hits, misses, invalidations atomic.Uint64
}

type entry[V comparable] struct {
	key      string
	gen      uint64
	value    V
	size     int64
	notAfter time.Time
}

// Stats are the counters for the metrics: lookups answered and not, times emptied by a change,
// and the bytes held.
type Stats struct {
	Hits, Misses, Invalidations uint64
	Bytes                       int64
}

// New makes a cache of at most maxBytes, each value kept at most ttl. It serves nothing until
// Live(true).
func New[V comparable](maxBytes int64, ttl time.Duration) *Cache[V] {
	return &Cache[V]{maxBytes: maxBytes, ttl: ttl, entries: map[string]*list.Element{}, order: list.New()}
}

// Gen is the current generation: read it before a request's database reads, and store what
// they return under it (Put).
func (c *Cache[V]) Gen() uint64 { return c.gen.Load() }

// Changed drops everything: some content changed.
func (c *Cache[V]) Changed() {
	c.gen.Add(1)
	c.invalidations.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.order.Init()
	c.bytes = 0
	c.mu.Unlock()
}

// Live turns serving and storing on or off.
func (c *Cache[V]) Live(live bool) { c.live.Store(live) }

// Stats returns the counters so far.
func (c *Cache[V]) Stats() Stats {
	c.mu.Lock()
	bytes := c.bytes
	c.mu.Unlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Invalidations: c.invalidations.Load(), Bytes: bytes}
}

// Get returns the value of key if the cache is live, the value's generation is current and its
// time limit has not passed at now, and counts a hit or a miss. read, when not nil, is called
// with the value under the cache's lock, to read what Grow writes.
func (c *Cache[V]) Get(key string, now time.Time, read func(V)) (V, bool) {
	v, ok := c.lookup(key, now, read)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return v, ok
}

func (c *Cache[V]) lookup(key string, now time.Time, read func(V)) (v V, ok bool) {
	if !c.live.Load() {
		return v, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return v, false
	}
	e := el.Value.(*entry[V])
	if e.gen != c.gen.Load() || now.After(e.notAfter) {
		c.remove(el)
		return v, false
	}
	c.order.MoveToFront(el)
	if read != nil {
		read(e.value)
	}
	return e.value, true
}

// Put stores v, of size bytes, under key, if it was read under the generation gen and that is
// still current; it is kept until now plus the cache's time limit. A value larger than an
// eighth of the bound is not kept: one may not take the room of many.
func (c *Cache[V]) Put(key string, gen uint64, now time.Time, v V, size int64) {
	if size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under the lock: Changed bumps the generation before it takes the lock to clear,
	// so a value either is refused here or is cleared there.
	if !c.live.Load() || gen != c.gen.Load() {
		return
	}
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.order.PushFront(&entry[V]{key: key, gen: gen, value: v, size: size, notAfter: now.Add(c.ttl)})
	c.bytes += size
	c.evict()
}

// Grow lets grow add to v under the cache's lock, if v is still the value held under key; grow
// returns the bytes it added, and the least recently used values make room for them.
func (c *Cache[V]) Grow(key string, v V, grow func(V) int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return
	}
	e := el.Value.(*entry[V])
	if e.value != v {
		return
	}
	added := grow(v)
	e.size += added
	c.bytes += added
	c.evict()
}

// evict drops the least recently used values until the cache is within its bound.
func (c *Cache[V]) evict() {
	for c.bytes > c.maxBytes {
		c.remove(c.order.Back())
	}
}

func (c *Cache[V]) remove(el *list.Element) {
	e := c.order.Remove(el).(*entry[V])
	delete(c.entries, e.key)
	c.bytes -= e.size
}
