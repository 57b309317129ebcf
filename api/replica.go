package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/diaspora-investor/marketplace/repository"
)

// readAfterCookie carries, to whichever instance serves a user's next requests, the primary's
// WAL position after the user's last write: that instance reads for them from the primary
// until its replica has replayed it (repository.ReadAfter). It lives twice REPLICA_MAX_LAG: a
// replica further behind serves nobody. Its value is signed for the user it was given to
// (readAfterValue), so that nobody can send their own reads, or another user's, to the
// primary by writing the cookie themselves.
const readAfterCookie = "read_after"

// readAfterValue is the read_after cookie of user after their write at lsn: the position, a
// dot, and an HMAC of both under the service's secret (JWT_SECRET, which every instance shares).
func (s *server) readAfterValue(userID string, lsn repository.LSN) string {
	return lsn.String() + "." + s.readAfterSignature(userID, lsn.String())
}

func (s *server) readAfterSignature(userID, position string) string {
	mac := hmac.New(sha256.New, s.cfg.JWTSecret)
	mac.Write([]byte("read_after\x00" + userID + "\x00" + position))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// readAfterPosition is the position a read_after cookie carries, if the service signed it for
// userID.
func (s *server) readAfterPosition(userID, value string) (repository.LSN, bool) {
	position, signature, ok := strings.Cut(value, ".")
	if !ok || !hmac.Equal([]byte(signature), []byte(s.readAfterSignature(userID, position))) {
		return 0, false
	}
	lsn, err := repository.ParseLSN(position)
	return lsn, err == nil
}

// readYourWrites keeps a signed-in user's reads consistent with their own writes when public
// reads go to a read replica (DATABASE_REPLICA_URL, repository.Replica): after a request of
// theirs that may have written, the primary's WAL position is noted by this instance and handed
// to the client in the read_after cookie, so that their reads, on this instance or another,
// go to the primary until the replica has replayed it. Every read of a request that may write
// (not GET, HEAD or OPTIONS) goes to the primary. Without a replica it does nothing.
func (s *server) readYourWrites(c *fiber.Ctx) error {
	r := s.store.Replica()
	if r == nil {
		return c.Next()
	}
	write := true
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		write = false
	}
	if write {
		// What a write answers (the item as it now is) is read where it was written.
		c.SetUserContext(repository.OnPrimary(c.UserContext()))
	}
	u := currentUser(c)
	if u == nil {
		// Anonymous requests write nothing public, and are not made to read from the primary
		// by a cookie they send.
		return c.Next()
	}
	ctx := repository.WithReader(c.UserContext(), u.ID)
	if lsn, ok := s.readAfterPosition(u.ID, c.Cookies(readAfterCookie)); ok {
		ctx = repository.ReadAfter(ctx, lsn)
	}
	c.SetUserContext(ctx)
	err := c.Next()
	if !write {
		return err
	}
	// Even a failed request may have committed something; noting costs one short query.
	nctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	lsn, nerr := r.NoteWrite(nctx, u.ID)
	if nerr != nil {
		s.log.Warn("read replica: could not note a write's position; the writer may read from the replica before it has the write",
			"request_id", requestID(c), "error", nerr)
		return err
	}
	c.Cookie(&fiber.Cookie{Name: readAfterCookie, Value: s.readAfterValue(u.ID, lsn), Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https", MaxAge: int(math.Ceil((2 * r.Status().MaxLag).Seconds()))})
	return err
}

// replicaJSON is the replica's part of /readyz (openapi.yaml: ReplicaReadiness).
func (s *server) replicaJSON() fiber.Map {
	r := s.store.Replica()
	if r == nil {
		return nil
	}
	st := r.Status()
	m := fiber.Map{"state": st.State, "reads_from": st.ReadsFrom, "max_lag_ms": st.MaxLag.Milliseconds(), "lag_ms": nil}
	if st.State != "down" {
		m["lag_ms"] = st.Lag.Milliseconds()
	}
	return m
}

// registerReplica adds the read replica's metrics.
func (m *metrics) registerReplica(r *repository.Replica) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "catalogue_replica_lag_seconds",
			Help: "How far behind the primary the read replica was at its last check (0 while it is down)."},
			func() float64 { return r.Status().Lag.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "catalogue_replica_serving",
			Help: "1 while public catalogue reads go to the read replica, 0 while they go to the primary."},
			func() float64 {
				if r.Status().ReadsFrom == "replica" {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "catalogue_replica_queries_total",
			Help: "Public catalogue queries sent to the read replica."},
			func() float64 { n, _ := r.Queries(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "catalogue_replica_primary_queries_total",
			Help: "Public catalogue queries sent to the primary while a read replica is configured (a writer's own reads, a replica behind or down)."},
			func() float64 { _, n := r.Queries(); return float64(n) }),
	)
}
