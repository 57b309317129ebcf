package api

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// rateLimit is a fixed-window limit on one kind of event. Counters live in PostgreSQL, so they
// hold across every instance of the API.
type rateLimit struct {
	name   string
	max    int
	window time.Duration
}

var (
	failedLoginsPerAccount = rateLimit{"login-account", 10, 15 * time.Minute}
	failedLoginsPerIP      = rateLimit{"login-ip", 50, 15 * time.Minute}
	registrationsPerIP     = rateLimit{"register-ip", 20, time.Hour}
	refreshesPerIP         = rateLimit{"refresh-ip", 120, time.Minute}
	writesPerUser          = rateLimit{"write-user", 120, time.Minute}
)

func (l rateLimit) bucket(key string) string { return l.name + ":" + strings.ToLower(key) }

// hit counts an event and answers 429 once the window's budget is spent.
func (s *server) hit(c *fiber.Ctx, l rateLimit, key string) error {
	count, reset, err := s.store.HitRateLimit(c.UserContext(), l.bucket(key), l.window)
	if err != nil {
		return err
	}
	if rand.IntN(500) == 0 {
		s.pruneRateLimits()
	}
	return s.rateLimitAnswer(c, l, count, reset)
}

// peek answers 429 when the budget is already spent, without counting (failed logins are
// counted only once they have failed).
func (s *server) peek(c *fiber.Ctx, l rateLimit, key string) error {
	count, reset, err := s.store.PeekRateLimit(c.UserContext(), l.bucket(key), l.window)
	if err != nil {
		return err
	}
	if count >= l.max {
		count = l.max + 1
	}
	return s.rateLimitAnswer(c, l, count, reset)
}

func (s *server) rateLimitAnswer(c *fiber.Ctx, l rateLimit, count int, reset time.Time) error {
	seconds := int(time.Until(reset).Seconds()) + 1
	remaining := max(l.max-count, 0)
	c.Set("RateLimit-Limit", strconv.Itoa(l.max))
	c.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(seconds))
	if count > l.max {
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
