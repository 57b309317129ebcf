package web

import (
	"container/list"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// PageCache keeps anonymous public pages in memory, under the same rule as the API's cache of
// catalogue reads (api.Cache): every instance drops everything when PostgreSQL announces a
// change (it is a repository.ChangeHandler), serves nothing while it cannot hear those
// announcements, and stores a page only under the generation that was current before the page's
// database reads began, so what a request read while a change committed is never served to
// anyone else. Pages with a session or a form are never kept (render decides what is public).
type PageCache struct {
	maxBytes int64
	ttl      time.Duration
	gen      atomic.Uint64
	live     atomic.Bool

	mu      sync.Mutex
	entries map[string]*list.Element
	order   *list.List // most recently used first
	bytes   int64

	hits, misses atomic.Uint64
}

type pageEntry struct {
	key      string
	gen      uint64
	body     []byte
	lang     string
	notAfter time.Time
}

// NewPageCache makes a cache of at most maxBytes of pages, each kept at most ttl. It serves
// nothing until Live(true).
func NewPageCache(maxBytes int64, ttl time.Duration) *PageCache {
	return &PageCache{maxBytes: maxBytes, ttl: ttl, entries: map[string]*list.Element{}, order: list.New()}
}

// Changed drops every page: some content changed.
func (pc *PageCache) Changed() {
	pc.gen.Add(1)
	pc.mu.Lock()
	clear(pc.entries)
	pc.order.Init()
	pc.bytes = 0
	pc.mu.Unlock()
}

// Live turns serving from memory on or off.
func (pc *PageCache) Live(live bool) {
	if !live {
		pc.Changed()
	}
	pc.live.Store(live)
}

// Collectors export the page cache's counters for /metrics.
func (pc *PageCache) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "site_page_cache_hits_total",
			Help: "Anonymous web pages answered from memory."}, func() float64 { return float64(pc.hits.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "site_page_cache_misses_total",
			Help: "Anonymous web pages rendered from the database."}, func() float64 { return float64(pc.misses.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "site_page_cache_bytes", Help: "Bytes of pages held in memory."},
			func() float64 { pc.mu.Lock(); defer pc.mu.Unlock(); return float64(pc.bytes) }),
	}
}

// Stats are the hits and misses so far.
func (pc *PageCache) Stats() (hits, misses uint64) { return pc.hits.Load(), pc.misses.Load() }

func (pc *PageCache) get(key string, now time.Time) *pageEntry {
	if pc == nil || !pc.live.Load() {
		return nil
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*pageEntry)
	if e.gen != pc.gen.Load() || now.After(e.notAfter) {
		pc.order.Remove(el)
		delete(pc.entries, key)
		pc.bytes -= int64(len(e.body))
		return nil
	}
	pc.order.MoveToFront(el)
	return e
}

func (pc *PageCache) put(e *pageEntry) {
	size := int64(len(e.body))
	if pc == nil || !pc.live.Load() || size > pc.maxBytes/8 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e.gen != pc.gen.Load() {
		return // a change committed while the page was read
	}
	if old, ok := pc.entries[e.key]; ok {
		pc.bytes -= int64(len(old.Value.(*pageEntry).body))
		pc.order.Remove(old)
	}
	pc.entries[e.key] = pc.order.PushFront(e)
	pc.bytes += size
	for pc.bytes > pc.maxBytes {
		last := pc.order.Back()
		old := last.Value.(*pageEntry)
		pc.order.Remove(last)
		delete(pc.entries, old.key)
		pc.bytes -= int64(len(old.body))
	}
}

const localCacheGen = "web_cache_gen"

// cached answers an anonymous GET from memory when it can; otherwise it notes the generation
// before the page's reads, for render to store the page under.
func (s *Site) cached(c *fiber.Ctx) error {
	pc := s.opts.Pages
	if pc == nil || c.Method() != fiber.MethodGet || c.Cookies(cookieAccess) != "" || c.Cookies(cookieRefresh) != "" {
		return c.Next()
	}
	key := c.OriginalURL()
	if e := pc.get(key, time.Now()); e != nil {
		pc.hits.Add(1)
		c.Set(fiber.HeaderCacheControl, "public, max-age="+itoa(int(s.opts.CacheMaxAge.Seconds())))
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderContentLanguage, e.lang)
		return c.Send(e.body)
	}
	pc.misses.Add(1)
	c.Locals(localCacheGen, pc.gen.Load())
	return c.Next()
}

// keep stores a public page rendered for an anonymous GET.
func (s *Site) keep(c *fiber.Ctx, lang string, body []byte) {
	gen, ok := c.Locals(localCacheGen).(uint64)
	if !ok || c.Response().StatusCode() != fiber.StatusOK {
		return
	}
	// Fiber's strings point into the request's buffers: the kept key and language are copies.
	s.opts.Pages.put(&pageEntry{key: strings.Clone(c.OriginalURL()), gen: gen, body: append([]byte(nil), body...), lang: strings.Clone(lang),
		notAfter: time.Now().Add(s.opts.Pages.ttl)})
}
