package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net"
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

// bucket names the counter of one key (an address, an e-mail, a user id) by an HMAC of it:
// fixed in size whatever a client sends, and no e-mail address kept in clear.
func (s *server) bucket(l rateLimit, key string) string {
	mac := hmac.New(sha256.New, s.cfg.JWTSecret)
	mac.Write([]byte(l.name + "\x00" + strings.ToLower(key)))
	return l.name + ":" + hex.EncodeToString(mac.Sum(nil))
}

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
func (s *server) hit(c *fiber.Ctx, l rateLimit, key string) error {
	count, reset, err := s.store.HitRateLimit(c.UserContext(), s.bucket(l, key), l.window)
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
	count, reset, err := s.store.PeekRateLimit(c.UserContext(), s.bucket(l, key), l.window)
	if err != nil {
		return err
	}
	if count >= l.max {
		count = l.max + 1
	}
	return s.rateLimitAnswer(c, l, count, reset)
}

// rateLimitAnswer sets the RateLimit-* headers and answers 429 past the budget. A request counted
// against several budgets (an API key's quota and the writes of its user, say) reports the
// tightest: the one with the fewest requests left, or the one it went past.
func (s *server) rateLimitAnswer(c *fiber.Ctx, l rateLimit, count int, reset time.Time) error {
	seconds := int(time.Until(reset).Seconds()) + 1
	remaining := max(l.max-count, 0)
	if count <= l.max {
		if prev, err := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); err == nil && prev <= remaining {
			return nil
		}
	}
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
