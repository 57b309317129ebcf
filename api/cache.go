package api

import (
	"container/list"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Cache keeps whole public catalogue responses in memory, with their ETags, so that a hot
// read costs no database round trip. It is never stale across instances: every instance
// drops its whole cache when PostgreSQL announces a change (repository.WatchCatalogue), and
// serves nothing from memory while it cannot hear those announcements.
//
// Correctness rests on one rule: a response is stored under the generation that was current
// before its database reads began, and only served while that generation is still current.
// A change that commits while a request is reading bumps the generation, so what that request
// read is never served to anyone else.
type Cache struct {
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

type cacheEntry struct {
	key      string
	gen      uint64
	body     []byte
	etag     string
	headers  [][2]string // the representation's own headers, replayed on a hit
	size     int64
	notAfter time.Time
}

// NewCache makes a cache of at most maxBytes of responses, each kept at most ttl (a bound on
// staleness should a notification ever be missed without the connection being seen to
// drop). It serves nothing until Live(true).
func NewCache(maxBytes int64, ttl time.Duration) *Cache {
	return &Cache{maxBytes: maxBytes, ttl: ttl, entries: map[string]*list.Element{}, order: list.New()}
}

// Changed drops everything: some content changed.
func (c *Cache) Changed() {
	c.gen.Add(1)
	c.invalidations.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.order.Init()
	c.bytes = 0
	c.mu.Unlock()
}

// Live turns serving from memory on or off.
func (c *Cache) Live(live bool) { c.live.Store(live) }

// Stats are counters for the metrics: hits, misses and invalidations so far, and the bytes
// held.
func (c *Cache) Stats() (hits, misses, invalidations uint64, bytes int64) {
	c.mu.Lock()
	bytes = c.bytes
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), c.invalidations.Load(), bytes
}

func (c *Cache) get(key string, now time.Time) *cacheEntry {
	if !c.live.Load() {
		return nil
	}
	gen := c.gen.Load()
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if e.gen != gen || now.After(e.notAfter) {
		c.remove(el)
		return nil
	}
	c.order.MoveToFront(el)
	return e
}

func (c *Cache) put(e *cacheEntry) {
	if e.size > c.maxBytes/8 { // one response may not take the room of many
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Checked under the lock: Changed bumps the generation before it takes the lock to clear,
	// so an entry either is refused here or is cleared there.
	if !c.live.Load() || e.gen != c.gen.Load() {
		return
	}
	if el, ok := c.entries[e.key]; ok {
		c.remove(el)
	}
	c.entries[e.key] = c.order.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.maxBytes {
		c.remove(c.order.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// cachedHeaders are the headers that belong to a catalogue representation (set by its
// handler) and are replayed from memory; the others (request id, CORS, Vary) are the
// request's own and set on every request by the middleware before this one.
var cachedHeaders = []string{fiber.HeaderContentType, fiber.HeaderContentLanguage, fiber.HeaderCacheControl, fiber.HeaderLink}

// cacheReads answers public catalogue reads from the cache, and fills it. Only GETs under /v1/
// without an access token (anonymous, or with an API key: answered private) are looked up, and
// only responses their handler marked `public` are kept: a signed-in reader's answers may be in
// their own language and are never shared.
func (s *server) cacheReads(c *fiber.Ctx) error {
	cache := s.cfg.Cache
	if cache == nil || c.Method() != fiber.MethodGet || !strings.HasPrefix(c.Path(), "/v1/") ||
		len(c.Request().Header.Peek(fiber.HeaderAuthorization)) != 0 {
		return c.Next()
	}
	// The key: the request's path and query as sent, and the languages negotiated from lang
	// and Accept-Language (many Accept-Language headers share an entry).
	key := c.Path() + "?" + string(c.Request().URI().QueryString()) + "\x00" + strings.Join(requestPrefs(c), ",")
	now := time.Now()
	if e := cache.get(key, now); e != nil {
		cache.hits.Add(1)
		for _, h := range e.headers {
			c.Set(h[0], h[1])
		}
		if currentUser(c) != nil {
			// An API key's reader: the same body, kept by the reader's own client only, as
			// publicRead marks it on a miss.
			c.Set(fiber.HeaderCacheControl, strings.Replace(string(c.Response().Header.Peek(fiber.HeaderCacheControl)), "public", "private", 1))
		}
		c.Set(fiber.HeaderETag, e.etag)
		if revalidated(c, e.etag) {
			c.Status(fiber.StatusNotModified)
			return nil
		}
		return c.Send(e.body)
	}
	cache.misses.Add(1)
	gen := cache.gen.Load() // before any database read: see Cache
	if err := c.Next(); err != nil {
		return err
	}
	resp := &c.Response().Header
	if c.Response().StatusCode() != fiber.StatusOK || !strings.HasPrefix(string(resp.Peek(fiber.HeaderCacheControl)), "public") {
		return nil
	}
	e := &cacheEntry{key: key, gen: gen, etag: string(resp.Peek(fiber.HeaderETag)), notAfter: now.Add(cache.ttl)}
	if e.etag == "" {
		return nil
	}
	e.body = append([]byte(nil), c.Response().Body()...)
	e.size = int64(len(key) + len(e.body) + 256)
	for _, h := range cachedHeaders {
		if v := resp.Peek(h); len(v) > 0 {
			e.headers = append(e.headers, [2]string{h, string(v)})
			e.size += int64(len(h) + len(v))
		}
	}
	cache.put(e)
	return nil
}
