package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const (
	localRequestID = "request_id"
	localPrefs     = "langs"
	localObserved  = "observed" // the request went through observe, which logs and counts it
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestContext gives the request an id (the caller's X-Request-ID when it is sane) and a
// deadline for its work. The deadline is not tied to the connection's context, which a
// graceful shutdown cancels at once: requests in flight must be allowed to finish.
func (s *server) requestContext(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(id) {
		id = newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)

	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// negotiate chooses the languages the request asks for (the signed-in user's preference is
// added by authenticate). A malformed or repeated lang is a 400, told in the language of
// Accept-Language.
func (s *server) negotiate(c *fiber.Ctx) error {
	// Every answer may be in the reader's language, problems included, and a signed-in
	// reader's language may come from their account.
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderAuthorization)
	accept := c.Get(fiber.HeaderAcceptLanguage)
	var langParam string
	repeated := false
	if strings.HasPrefix(c.Path(), "/v1/") {
		values := c.Context().QueryArgs().PeekMulti("lang")
		repeated = len(values) > 1
		if len(values) > 0 {
			langParam = string(values[0])
		}
	}
	prefs, err := s.langs.Negotiate(langParam, accept, "")
	if err != nil || repeated {
		prefs, _ = s.langs.Negotiate("", accept, "")
		c.Locals(localPrefs, prefs)
		var v invalid
		code := "invalid_language"
		if repeated {
			code = "repeated_parameter"
		}
		v.add("lang", "query", code, nil)
		return v.err("invalid-parameters")
	}
	c.Locals(localPrefs, prefs)
	return c.Next()
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// requestPrefs are the negotiated languages of the request, best first (possibly none).
func requestPrefs(c *fiber.Ctx) []string {
	prefs, _ := c.Locals(localPrefs).([]string)
	return prefs
}

// observe answers errors (as problems) and then records every request, once its final
// status is known: one structured log line and the latency histogram.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	c.Locals(localObserved, true)
	if err := c.Next(); err != nil {
		if err := s.errorHandler(c, err); err != nil {
			return err
		}
	}
	s.record(c, time.Since(start))
	return nil
}

// record writes the log line and the metric of an answered request.
func (s *server) record(c *fiber.Ctx, elapsed time.Duration) {
	status := c.Response().StatusCode()
	s.log.Info("request", "request_id", requestID(c), "method", c.Method(), "path", c.Path(),
		"status", status, "duration_ms", float64(elapsed.Microseconds())/1000,
		"bytes", len(c.Response().Body()))
	// The route template, not the path, keeps the number of series bounded. A request no route
	// matched ends on a middleware, whose path is "/". Route templates belong to the app.
	route := c.Route().Path
	if observed, _ := c.Locals(localObserved).(bool); route == "/" || !observed {
		route = "unmatched" // without a matched route, Fiber names the raw path: unbounded
	}
	s.metrics.duration.WithLabelValues(methodLabel(c.Method()), route, strconv.Itoa(status)).Observe(elapsed.Seconds())
}

// methodLabel is the method as a label that outlives the request. Fiber's c.Method() (like
// every string Fiber hands out) points into fasthttp's buffer, which the next request on the
// same connection overwrites; Prometheus keeps label values for ever, so a kept c.Method()
// turned "GET" into "GETCH" and broke /metrics. A fixed set of constants also bounds the
// number of series whatever method a client invents.
func methodLabel(method string) string {
	for _, m := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if method == m {
			return m
		}
	}
	return "other"
}

// metrics are the Prometheus series the API exports at /metrics.
type metrics struct {
	registry *prometheus.Registry
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route template, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route", "status"}),
	}
	m.registry.MustRegister(m.duration, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerCache exports the cache's counters.
func (m *metrics) registerCache(c *Cache) {
	counter := func(name, help string, read func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, read)
	}
	m.registry.MustRegister(
		counter("catalogue_cache_hits_total", "Public catalogue reads answered from memory.",
			func() float64 { h, _, _, _ := c.Stats(); return float64(h) }),
		counter("catalogue_cache_misses_total", "Public catalogue reads that went to the database.",
			func() float64 { _, m, _, _ := c.Stats(); return float64(m) }),
		counter("catalogue_cache_invalidations_total", "Times the cache was emptied (a change was announced, or the listener reconnected).",
			func() float64 { _, _, i, _ := c.Stats(); return float64(i) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "catalogue_cache_bytes", Help: "Bytes of responses held in memory."},
			func() float64 { _, _, _, b := c.Stats(); return float64(b) }),
	)
}

// conditional gives successful GET responses a weak ETag (a hash of the body; weak because the
// same representation may be sent compressed or not) and answers a matching If-None-Match
// with 304 Not Modified, keeping the headers a cache needs and dropping the body.
func conditional(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	method := c.Method()
	if (method != fiber.MethodGet && method != fiber.MethodHead) || c.Response().StatusCode() != fiber.StatusOK ||
		strings.HasPrefix(c.Path(), "/docs/") || // the docs' assets carry their own validators
		!cacheable(c.Path()) {
		return nil
	}
	// A handler that knows its resource's version (an editor's view) sets its own ETag;
	// otherwise the body's hash is the validator.
	etag := string(c.Response().Header.Peek(fiber.HeaderETag))
	if etag == "" {
		body := c.Response().Body()
		h := fnv.New64a()
		h.Write(body)
		etag = `W/"` + strconv.FormatUint(h.Sum64(), 36) + "-" + strconv.Itoa(len(body)) + `"`
		c.Set(fiber.HeaderETag, etag)
	}
	if revalidated(c, etag) {
		c.Status(fiber.StatusNotModified)
		c.Response().ResetBody()
		c.Response().Header.Del(fiber.HeaderContentLength)
	}
	return nil
}

// localFreeRevalidation marks a 304 earned by a validator the server issued: only such a 304
// gives its quota count back (withQuota).
const localFreeRevalidation = "free_revalidation"

// revalidated says whether If-None-Match matches etag, so that the answer is a 304. A match by
// one of the listed tags (a validator this server issued) makes the 304 free; `If-None-Match: *`
// matches any existing representation, as HTTP says, but the client proved nothing: it counts,
// or anyone could read every costly search for free.
func revalidated(c *fiber.Ctx, etag string) bool {
	header := c.Get(fiber.HeaderIfNoneMatch)
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	matched := false
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" {
			matched = true
		} else if strings.TrimPrefix(candidate, "W/") == want {
			c.Locals(localFreeRevalidation, true)
			return true
		}
	}
	return matched
}

// cacheable says whether answers on path are worth revalidating: not the probes and metrics,
// which must be read afresh each time.
func cacheable(path string) bool {
	return path != "/healthz" && path != "/readyz" && path != "/metrics"
}
