package web

import (
	"crypto/sha256"
	"sync"
	"time"
)

// renewalGrace is how long a renewed session is handed again to the same browser that renews
// it once more with the token it just spent.
const renewalGrace = 10 * time.Second

// renewals lets two tabs of one browser renew an expired session at once. Both send the same
// refresh token before either has the new cookies; spending it twice is, for the API's rule,
// a stolen token, and would sign the person out everywhere. So for renewalGrace, a second
// renewal of the same token by the same browser (the same form-token cookie, which a thief who
// took only the refresh cookie lacks) waits for the first and gets the session it got. Any
// other reuse still revokes the family. It holds per instance; behind several instances, a
// race that lands on two of them still signs the person out.
type renewals struct {
	mu     sync.Mutex
	recent map[[32]byte]*renewal
}

type renewal struct {
	done    chan struct{}
	started time.Time
	sess    *Session
	err     error
}

func newRenewals() *renewals { return &renewals{recent: map[[32]byte]*renewal{}} }

// resume renews the session of refresh for the browser whose form-token cookie is browser,
// through renew, once per grace period. Without a form-token cookie nothing is shared.
func (r *renewals) resume(refresh, browser string, now time.Time, renew func() (*Session, error)) (*Session, error) {
	if browser == "" {
		return renew()
	}
	key := sha256.Sum256([]byte(refresh + "\x00" + browser))
	r.mu.Lock()
	for k, old := range r.recent { // a handful at most: the renewals of the last seconds
		if now.Sub(old.started) >= renewalGrace {
			delete(r.recent, k)
		}
	}
	if first, ok := r.recent[key]; ok {
		r.mu.Unlock()
		<-first.done
		return first.sess, first.err
	}
	first := &renewal{done: make(chan struct{}), started: now}
	r.recent[key] = first
	r.mu.Unlock()
	first.sess, first.err = renew()
	close(first.done)
	return first.sess, first.err
}
