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
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestContext gives the request an id (the caller's X-Request-ID when it is sane), a
// deadline for its work, and the languages it asks for.
func (s *server) requestContext(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)

	ctx, cancel := context.WithTimeout(c.Context(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)

	// Every answer may be in the reader's language, problems included.
	c.Vary(fiber.HeaderAcceptLanguage)
	langParam := ""
	if strings.HasPrefix(c.Path(), "/v1/") {
		langParam = c.Query("lang")
	}
	prefs, err := s.langs.Negotiate(langParam, c.Get(fiber.HeaderAcceptLanguage), "")
	if err != nil {
		// The problem itself is told in the language of Accept-Language.
		prefs, _ = s.langs.Negotiate("", c.Get(fiber.HeaderAcceptLanguage), "")
		c.Locals(localPrefs, prefs)
		var v invalid
		v.add("lang", "query", "invalid_language", nil)
		return v.err("invalid-parameters")
	}
	c.Locals(localPrefs, prefs)
	return c.Next()
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

// accessLog writes one structured line per request.
func (s *server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; log the status it will choose.
		if e, ok := err.(*apiError); ok {
			status = e.status
		} else if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		} else {
			status = fiber.StatusInternalServerError
		}
	}
	s.log.Info("request", "request_id", requestID(c), "method", c.Method(), "path", c.Path(),
		"status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000,
		"bytes", len(c.Response().Body()))
	return err
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

func (m *metrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if e, ok := err.(*apiError); ok {
		status = e.status
	} else if fe, ok := err.(*fiber.Error); ok {
		status = fe.Code
	} else if err != nil {
		status = fiber.StatusInternalServerError
	}
	// The route template, not the path, keeps the number of series bounded. A request no route
	// matched ends on a middleware, whose path is "/".
	route := c.Route().Path
	if route == "/" {
		route = "unmatched"
	}
	m.duration.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	return err
}

// conditional gives successful GET responses a weak ETag (a hash of the body; weak because the
// same representation may be sent compressed or not) and answers a matching If-None-Match
// with 304 Not Modified, keeping the headers a cache needs and dropping the body.
func conditional(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if c.Method() != fiber.MethodGet || c.Response().StatusCode() != fiber.StatusOK {
		return nil
	}
	body := c.Response().Body()
	h := fnv.New64a()
	h.Write(body)
	etag := `W/"` + strconv.FormatUint(h.Sum64(), 36) + "-" + strconv.Itoa(len(body)) + `"`
	c.Set(fiber.HeaderETag, etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Status(fiber.StatusNotModified)
		c.Response().ResetBody()
		c.Response().Header.Del(fiber.HeaderContentLength)
	}
	return nil
}

// etagMatches applies If-None-Match's weak comparison: a list of tags, or *.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" || strings.TrimPrefix(candidate, "W/") == want {
			return true
		}
	}
	return false
}
