// Package limits holds the rate limits that every interface shares: how many failed sign-ins,
// registrations, session refreshes and writes a person or an address may make, and the
// counters that enforce them. The JSON API and the web site count in the same counters, so a
// person signing in on the site and through an app spends one budget. Counters live in
// PostgreSQL, so they hold across every instance.
package limits

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/app/accounts"
)

// Limit is a fixed-window limit on one kind of event: at most Max in each Window.
type Limit struct {
	Name   string
	Max    int
	Window time.Duration
}

// The limits of accounts, the same for every interface.
var (
	FailedLoginsPerAccount = Limit{"login-account", 10, 15 * time.Minute}
	FailedLoginsPerIP      = Limit{"login-ip", 50, 15 * time.Minute}
	RegistrationsPerIP     = Limit{"register-ip", 20, time.Hour}
	RefreshesPerIP         = Limit{"refresh-ip", 120, time.Minute}
	WritesPerUser          = Limit{"write-user", 120, time.Minute}
)

// Store keeps the counters.
type Store interface {
	HitRateLimit(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error)
	PeekRateLimit(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error)
	QuotaStore
}

// Count is where one key stands in its window: N events (past Limit.Max: refused) until Reset.
type Count struct {
	Limit Limit
	N     int
	Reset time.Time
}

// Over reports a count past its limit.
func (c Count) Over() bool { return c.N > c.Limit.Max }

// Counters counts events in the store, keyed by an HMAC of the key.
type Counters struct {
	store  Store
	secret []byte
	quotas *quotas // nil when the store cannot add counts in batches: quotas are then hits
}

// New returns the counters over store; secret (JWT_SECRET) keys the buckets' names. A store
// that is also a QuotaStore gets its quotas counted in memory and added in batches.
func New(store Store, secret []byte) *Counters {
	c := &Counters{store: store, secret: secret}
	c.quotas = newQuotas(store, c.Bucket)
	return c
}

// Bucket names the counter of one key (an address, an e-mail, a user id) by an HMAC of it:
// fixed in size whatever a client sends, and no e-mail address kept in clear.
func (c *Counters) Bucket(l Limit, key string) string {
	mac := hmac.New(sha256.New, c.secret)
	mac.Write([]byte(l.Name + "\x00" + strings.ToLower(key)))
	return l.Name + ":" + hex.EncodeToString(mac.Sum(nil))
}

// Hit counts one event of key.
func (c *Counters) Hit(ctx context.Context, l Limit, key string) (Count, error) {
	n, reset, err := c.store.HitRateLimit(ctx, c.Bucket(l, key), l.Window)
	return Count{Limit: l, N: n, Reset: reset}, err
}

// Quota counts one request of key against a quota (an API key's, an address's): like Hit,
// but counted in memory and added to the shared counters in batches (see quotas), so that a
// request costs no database write.
func (c *Counters) Quota(ctx context.Context, l Limit, key string) (Count, error) {
	return c.quotas.hit(ctx, l, key)
}

// RefundQuota gives back one request of key counted by Quota in the current window (a free
// revalidation).
func (c *Counters) RefundQuota(ctx context.Context, l Limit, key string) error {
	c.quotas.refund(l, key)
	return nil
}

// Peek reads key's count without counting; a spent budget reads as one past it (failed
// sign-ins are counted only once they have failed, but refused before the next guess).
func (c *Counters) Peek(ctx context.Context, l Limit, key string) (Count, error) {
	n, reset, err := c.store.PeekRateLimit(ctx, c.Bucket(l, key), l.Window)
	if n >= l.Max {
		n = l.Max + 1
	}
	return Count{Limit: l, N: n, Reset: reset}, err
}

// LoginGuard counts the password guesses made from client for app/accounts' Login. answer
// turns each count into the interface's answer: nil to go on, an error (its 429, its message
// beside the field) past the limit.
func (c *Counters) LoginGuard(client string, answer func(Count) error) accounts.Guard {
	return loginGuard{c: c, client: client, answer: answer}
}

type loginGuard struct {
	c      *Counters
	client string
	answer func(Count) error
}

func (g loginGuard) count(n Count, err error) error {
	if err != nil {
		return err
	}
	return g.answer(n)
}

func (g loginGuard) Attempt(ctx context.Context, account string) error {
	if err := g.count(g.c.Hit(ctx, FailedLoginsPerIP, g.client)); err != nil {
		return err
	}
	if account == "" {
		return nil
	}
	return g.count(g.c.Hit(ctx, FailedLoginsPerAccount, account))
}

func (g loginGuard) Refunds(account string) []accounts.Counter {
	return []accounts.Counter{
		{Bucket: g.c.Bucket(FailedLoginsPerAccount, account), Window: FailedLoginsPerAccount.Window},
		{Bucket: g.c.Bucket(FailedLoginsPerIP, g.client), Window: FailedLoginsPerIP.Window},
	}
}

func (g loginGuard) Guessing(ctx context.Context, account string) error {
	return g.count(g.c.Peek(ctx, FailedLoginsPerAccount, account))
}

func (g loginGuard) Failed(ctx context.Context, account string) error {
	return g.count(g.c.Hit(ctx, FailedLoginsPerAccount, account))
}
