package api

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/limits"
)

// clientIP is the address a request comes from, as every interface counts it (internal/clientip).
func (s *server) clientIP(c *fiber.Ctx) string {
	return s.trusted.Of(c.Context().RemoteIP(), c.Get(fiber.HeaderXForwardedFor))
}

// hit counts an event and answers 429 once the window's budget is spent. Now and then it also
// prunes the shared counters' expired windows (events write to them anyway; quotas, counted in
// memory, do not).
func (s *server) hit(c *fiber.Ctx, l limits.Limit, key string) error {
	if rand.IntN(500) == 0 {
		s.pruneRateLimits()
	}
	return s.count(c, s.limits.Hit, l, key)
}

// hitQuota counts a request against a quota (an API key's, an address's) and answers 429 once
// the window's budget is spent. Quotas are counted in memory and added to the shared counters
// in batches (app/limits), so that a read from the cache writes nothing to the database.
func (s *server) hitQuota(c *fiber.Ctx, l limits.Limit, key string) error {
	return s.count(c, s.limits.Quota, l, key)
}

// count counts one request with counter (an event's or a quota's) and answers with the budget
// left.
func (s *server) count(c *fiber.Ctx, counter func(context.Context, limits.Limit, string) (limits.Count, error), l limits.Limit, key string) error {
	n, err := counter(c.UserContext(), l, key)
	if err != nil {
		return err
	}
	return s.rateLimitAnswer(c, n)
}

// rateLimitAnswer sets the RateLimit-* headers and answers 429 past the budget. A request counted
// against several budgets (an API key's quota and the writes of its user, say) reports the
// tightest: the one with the fewest requests left, or the one it went past.
func (s *server) rateLimitAnswer(c *fiber.Ctx, n limits.Count) error {
	seconds := int(time.Until(n.Reset).Seconds()) + 1
	remaining := max(n.Limit.Max-n.N, 0)
	if !n.Over() {
		if prev, err := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); err == nil && prev <= remaining {
			return nil
		}
	}
	c.Set("RateLimit-Limit", strconv.Itoa(n.Limit.Max))
	c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(seconds))
	if n.Over() {
		return &apiError{status: fiber.StatusTooManyRequests, slug: "too-many-requests", retry: seconds,
			detail: map[string]any{"Seconds": seconds}}
	}
	return nil
}

// pruneRateLimits forgets windows older than a day, now and then, in the background.
func (s *server) pruneRateLimits() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.store.PruneRateLimits(ctx, time.Now().Add(-24*time.Hour)); err != nil {
			s.log.Warn("prune rate limits", "error", err)
		}
	}()
}
