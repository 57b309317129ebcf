package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/diaspora-investor/marketplace/internal/gencache"
)

// PageCache keeps anonymous public pages in memory, under the same rule as the API's cache of
// catalogue reads (api.Cache), on the same core (gencache): every instance drops everything
// when PostgreSQL announces a change (it is a repository.ChangeHandler), serves nothing while
// it cannot hear those announcements, and stores a page only under the generation that was
// current before the page's database reads began, so what a request read while a change
// committed is never served to anyone else. Pages with a session or a form are never kept
// (render decides what is public).
type PageCache struct {
	core *gencache.Cache[*pageEntry]
}

type pageEntry struct {
	body []byte
	lang string
}

// NewPageCache makes a cache of at most maxBytes of pages, each kept at most ttl. It serves
// nothing until Live(true).
func NewPageCache(maxBytes int64, ttl time.Duration) *PageCache {
	return &PageCache{core: gencache.New[*pageEntry](maxBytes, ttl)}
}

// Changed drops every page: some content changed.
func (pc *PageCache) Changed() { pc.core.Changed() }

// Live turns serving from memory on or off; off also drops every page.
func (pc *PageCache) Live(live bool) {
	if !live {
		pc.core.Changed()
	}
	pc.core.Live(live)
}

// Collectors export the page cache's counters for /metrics.
func (pc *PageCache) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "site_page_cache_hits_total",
			Help: "Anonymous web pages answered from memory."}, func() float64 { return float64(pc.core.Stats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "site_page_cache_misses_total",
			Help: "Anonymous web pages rendered from the database."}, func() float64 { return float64(pc.core.Stats().Misses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "site_page_cache_bytes", Help: "Bytes of pages held in memory."},
			func() float64 { return float64(pc.core.Stats().Bytes) }),
	}
}

// Stats are the hits and misses so far.
func (pc *PageCache) Stats() (hits, misses uint64) {
	s := pc.core.Stats()
	return s.Hits, s.Misses
}

const localCacheGen = "web_cache_gen"

// cached answers an anonymous GET from memory when it can; otherwise it notes the generation
// before the page's reads, for render to store the page under.
func (s *Site) cached(c *fiber.Ctx) error {
	pc := s.opts.Pages
	if pc == nil || c.Method() != fiber.MethodGet || c.Cookies(cookieAccess) != "" || c.Cookies(cookieRefresh) != "" {
		return c.Next()
	}
	if e, ok := pc.core.Get(c.OriginalURL(), time.Now(), nil); ok {
		c.Set(fiber.HeaderCacheControl, "public, max-age="+itoa(int(s.opts.CacheMaxAge.Seconds())))
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderContentLanguage, e.lang)
		return c.Send(e.body)
	}
	c.Locals(localCacheGen, pc.core.Gen())
	return c.Next()
}

// keep stores a public page rendered for an anonymous GET.
func (s *Site) keep(c *fiber.Ctx, lang string, body []byte) {
	gen, ok := c.Locals(localCacheGen).(uint64)
	if !ok || c.Response().StatusCode() != fiber.StatusOK {
		return
	}
	// Fiber's strings point into the request's buffers: the kept key and language are copies.
	page := &pageEntry{body: append([]byte(nil), body...), lang: strings.Clone(lang)}
	s.opts.Pages.core.Put(strings.Clone(c.OriginalURL()), gen, time.Now(), page, int64(len(page.body)))
}
