package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/diaspora-investor/marketplace/internal/gencache"
)

// Cache keeps whole public catalogue responses in memory, with their ETags, so that a hot
// read costs no database round trip. It is never stale across instances: every instance
// drops its whole cache when PostgreSQL announces a change (repository.WatchCatalogue), and
// serves nothing from memory while it cannot hear those announcements. A response is stored
// under the generation that was current before its database reads began, and only served
// while that generation is still current (the rule of gencache, its core).
type Cache struct {
	core *gencache.Cache[*cacheEntry]
}

type cacheEntry struct {
	body    []byte
	etag    string
	headers [][2]string // the representation's own headers, replayed on a hit
	// compressible: JSON or XML of a size worth compressing. encoded holds the body in each
	// of encodings, made on the first request that accepts it and kept (written under the
	// cache's lock, through Grow), so that a hit is never compressed again.
	compressible bool
	encoded      [len(encodings)][]byte
}

// encodings are the compressed forms of a cached body, in the order the compress middleware
// prefers them (fasthttp's CompressHandlerBrotliLevel, at Fiber's default levels), so that a
// hit is sent as a miss would have been.
var encodings = [...]struct {
	name     string
	compress func(dst, src []byte) []byte
}{
	{"br", func(dst, src []byte) []byte {
		return fasthttp.AppendBrotliBytesLevel(dst, src, fasthttp.CompressBrotliDefaultCompression)
	}},
	{"gzip", func(dst, src []byte) []byte {
		return fasthttp.AppendGzipBytesLevel(dst, src, fasthttp.CompressDefaultCompression)
	}},
	{"deflate", func(dst, src []byte) []byte {
		return fasthttp.AppendDeflateBytesLevel(dst, src, fasthttp.CompressDefaultCompression)
	}},
}

// minCompressed is the smallest body worth compressing (fasthttp's own threshold).
const minCompressed = 200

// acceptedEncoding is the index in encodings of the compression the request accepts, or -1.
func acceptedEncoding(c *fiber.Ctx) int {
	h := &c.Request().Header
	if len(h.Peek(fiber.HeaderAcceptEncoding)) == 0 {
		return -1
	}
	for i, e := range encodings {
		if h.HasAcceptEncoding(e.name) {
			return i
		}
	}
	return -1
}

// NewCache makes a cache of at most maxBytes of responses, each kept at most ttl (a bound on
// staleness should a notification ever be missed without the connection being seen to
// drop). It serves nothing until Live(true).
func NewCache(maxBytes int64, ttl time.Duration) *Cache {
	return &Cache{core: gencache.New[*cacheEntry](maxBytes, ttl)}
}

// Changed drops everything: some content changed.
func (c *Cache) Changed() { c.core.Changed() }

// Live turns serving from memory on or off.
func (c *Cache) Live(live bool) { c.core.Live(live) }

// Stats are counters for the metrics: hits, misses and invalidations so far, and the bytes
// held.
func (c *Cache) Stats() (hits, misses, invalidations uint64, bytes int64) {
	s := c.core.Stats()
	return s.Hits, s.Misses, s.Invalidations, s.Bytes
}

// get returns the entry of key, and its body in encodings[enc] if that form was made already
// (enc -1: none asked).
func (c *Cache) get(key string, now time.Time, enc int) (e *cacheEntry, encoded []byte) {
	e, _ = c.core.Get(key, now, func(held *cacheEntry) {
		if enc >= 0 {
			encoded = held.encoded[enc] // read under the lock keepEncoded writes it under
		}
	})
	return e, encoded
}

// keepEncoded keeps e's body in encodings[enc], if e is still held under key.
func (c *Cache) keepEncoded(key string, e *cacheEntry, enc int, body []byte) {
	c.core.Grow(key, e, func(held *cacheEntry) int64 {
		if held.encoded[enc] != nil {
			return 0
		}
		held.encoded[enc] = body
		return int64(len(body))
	})
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
	enc := acceptedEncoding(c)
	if e, encoded := cache.get(key, now, enc); e != nil {
		return sendCached(c, cache, key, e, enc, encoded)
	}
	gen := cache.core.Gen() // before any database read: see Cache
	if err := c.Next(); err != nil {
		return err
	}
	return keepResponse(c, cache, key, gen, now, enc)
}

// sendCached answers from a cache entry: its headers, its validator, and its body in the
// client's encoding (enc < 0: none), compressed once and kept when encoded is nil.
func sendCached(c *fiber.Ctx, cache *Cache, key string, e *cacheEntry, enc int, encoded []byte) error {
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
	if enc < 0 || !e.compressible {
		return c.Send(e.body)
	}
	if encoded == nil { // the first request in this encoding: compressed once, then kept
		encoded = encodings[enc].compress(nil, e.body)
		cache.keepEncoded(key, e, enc, encoded)
	}
	return sendEncoded(c, enc, encoded)
}

// keepResponse stores a public 200 answer under key, read under the generation gen, and
// sends it compressed in enc when it is worth compressing.
func keepResponse(c *fiber.Ctx, cache *Cache, key string, gen uint64, now time.Time, enc int) error {
	resp := &c.Response().Header
	if c.Response().StatusCode() != fiber.StatusOK || !strings.HasPrefix(string(resp.Peek(fiber.HeaderCacheControl)), "public") {
		return nil
	}
	e := &cacheEntry{etag: string(resp.Peek(fiber.HeaderETag))}
	if e.etag == "" {
		return nil
	}
	e.body = append([]byte(nil), c.Response().Body()...)
	size := int64(len(key) + len(e.body) + 256)
	for _, h := range cachedHeaders {
		if v := resp.Peek(h); len(v) > 0 {
			e.headers = append(e.headers, [2]string{h, string(v)})
			size += int64(len(h) + len(v))
		}
	}
	contentType := string(resp.ContentType())
	e.compressible = len(e.body) >= minCompressed && len(resp.Peek(fiber.HeaderContentEncoding)) == 0 &&
		(strings.HasPrefix(contentType, "application/") || strings.HasPrefix(contentType, "text/"))
	if enc >= 0 && e.compressible {
		// Compressed here rather than by the compress middleware, and kept for the next hits.
		e.encoded[enc] = encodings[enc].compress(nil, e.body)
		size += int64(len(e.encoded[enc]))
		cache.core.Put(key, gen, now, e, size)
		return sendEncoded(c, enc, e.encoded[enc])
	}
	cache.core.Put(key, gen, now, e, size)
	return nil
}

// sendEncoded sends a body compressed in encodings[enc]; the compress middleware leaves a body
// with a Content-Encoding alone.
func sendEncoded(c *fiber.Ctx, enc int, body []byte) error {
	c.Set(fiber.HeaderContentEncoding, encodings[enc].name)
	c.Vary(fiber.HeaderAcceptEncoding)
	return c.Send(body)
}
