package api

import (
	"context"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/limits"
)

// clientIP is the address a request comes from. Behind trusted proxies it is the last address
// of X-Forwarded-For that is not one of theirs (earlier entries are the client's to invent);
// otherwise the peer's address.
func (s *server) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP()
	if len(s.trusted) == 0 || !s.isTrusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		if !s.isTrusted(ip) {
			return ip.String()
		}
	}
	return peer.String()
}

func (s *server) isTrusted(ip net.IP) bool {
	for _, n := range s.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// parseTrusted reads addresses and CIDR ranges of trusted proxies.
func parseTrusted(list []string) []*net.IPNet {
	var out []*net.IPNet
	for _, p := range list {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// hit counts an event and answers 429 once the window's budget is spent.
func (s *server) hit(c *fiber.Ctx, l limits.Limit, key string) error {
	n, err := s.limits.Hit(c.UserContext(), l, key)
	if err != nil {
		return err
	}
	if rand.IntN(500) == 0 {
		s.pruneRateLimits()
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
