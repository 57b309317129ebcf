package limits

import (
	"context"
	"sync"
	"time"
)

// QuotaStore adds counts to the shared counters in one statement: adds[i] events to the
// window of buckets[i] that starts at starts[i]. It returns each counter's total after the
// addition, in the same order.
type QuotaStore interface {
	AddRateLimits(ctx context.Context, buckets []string, starts []time.Time, adds []int) ([]int, error)
}

// quotaFlushEvery is how often a quota's counts are added to the shared counters. Between two
// additions an instance knows the others' counts as of the last one, so a key spread over n
// instances may get about n × (its rate × this) requests more than its quota in a window.
const quotaFlushEvery = time.Second

// quotas counts requests against quotas (an API key's, an address's) in memory and adds them
// to the shared counters in batches, at most once a quotaFlushEvery, so that a read answered
// from the cache writes nothing to the database. The first request of a bucket in a window is
// counted in the database at once, so that an instance that starts (or restarts) mid-window
// knows what the others have counted.
type quotas struct {
	store  QuotaStore
	bucket func(Limit, string) string
	now    func() time.Time

	mu        sync.Mutex
	counts    map[string]*quotaCount // by bucket
	flushing  bool
	lastFlush time.Time
	timer     bool // a flush is due by a timer
}

// quotaCount is one bucket's window as this instance sees it.
type quotaCount struct {
	start    time.Time
	window   time.Duration
	synced   bool // the shared counter was read in this window
	shared   int  // the shared counter when last read (this instance's added counts included)
	inflight int  // being added by a flush
	pending  int  // counted here since, not yet added (a refund makes it go down)
}

// n is the bucket's count as this instance knows it.
func (qc *quotaCount) n() int { return qc.shared + qc.inflight + qc.pending }

func newQuotas(store QuotaStore, bucket func(Limit, string) string) *quotas {
	return &quotas{store: store, bucket: bucket, now: time.Now, counts: map[string]*quotaCount{}}
}

// windowStart is the start of the fixed window that holds now, counted from the Unix epoch as
// the database's rate-limit statements count it.
func windowStart(now time.Time, window time.Duration) time.Time {
	return time.Unix(0, now.UnixNano()/int64(window)*int64(window)).UTC()
}

// current returns the bucket's count in the window that holds now (a new one when the window
// has moved on). Called with q.mu held.
func (q *quotas) current(bucket string, l Limit, now time.Time) *quotaCount {
	start := windowStart(now, l.Window)
	qc := q.counts[bucket]
	if qc == nil || !qc.start.Equal(start) {
		// A previous window's counts not added yet are worth nothing now that it is over.
		qc = &quotaCount{start: start, window: l.Window}
		q.counts[bucket] = qc
	}
	return qc
}

// hit counts one request of key.
func (q *quotas) hit(ctx context.Context, l Limit, key string) (Count, error) {
	bucket, now := q.bucket(l, key), q.now()
	q.mu.Lock()
	qc := q.current(bucket, l, now)
	if !qc.synced {
		q.mu.Unlock()
		totals, err := q.store.AddRateLimits(ctx, []string{bucket}, []time.Time{qc.start}, []int{1})
		if err != nil {
			return Count{}, err
		}
		q.mu.Lock()
		qc.synced = true
		qc.shared = max(qc.shared, totals[0])
	} else {
		qc.pending++
	}
	n := qc.n()
	// After a window's first request too: a flush also forgets the windows that are over, and
	// without one, keys that each come once a window (one-off visitors) would be kept for good.
	due := q.scheduleLocked(now)
	q.mu.Unlock()
	if due {
		go q.flush()
	}
	return Count{Limit: l, N: n, Reset: qc.start.Add(l.Window)}, nil
}

// refund gives back one request of key in the current window.
func (q *quotas) refund(l Limit, key string) {
	bucket, now := q.bucket(l, key), q.now()
	q.mu.Lock()
	defer q.mu.Unlock()
	if qc := q.counts[bucket]; qc != nil && qc.start.Equal(windowStart(now, l.Window)) {
		qc.pending--
	}
}

// flush adds the counts made since the last flush to the shared counters, learns the other
// instances' counts from the totals, and forgets the windows that are over.
func (q *quotas) flush() {
	q.mu.Lock()
	now := q.now()
	var (
		buckets []string
		starts  []time.Time
		adds    []int
		counts  []*quotaCount
	)
	for bucket, qc := range q.counts {
		if !qc.start.Add(qc.window).After(now) {
			delete(q.counts, bucket)
			continue
		}
		if qc.pending != 0 {
			buckets, starts, adds, counts = append(buckets, bucket), append(starts, qc.start), append(adds, qc.pending), append(counts, qc)
			qc.inflight, qc.pending = qc.pending, 0
		}
	}
	q.mu.Unlock()

	var totals []int
	var err error
	if len(buckets) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		totals, err = q.store.AddRateLimits(ctx, buckets, starts, adds)
		cancel()
	}

	q.mu.Lock()
	defer q.mu.Unlock()
	for i, qc := range counts {
		if err != nil || len(totals) != len(counts) {
			qc.pending += adds[i] // kept for the next flush
		} else {
			qc.shared = totals[i]
		}
		qc.inflight = 0
	}
	q.flushing = false
	q.lastFlush = q.now()
	if err != nil {
		return // the next request retries
	}
	// Counts made while this flush ran reach the shared counters a quotaFlushEvery from now,
	// even if no request comes.
	for _, qc := range q.counts {
		if qc.pending != 0 {
			q.scheduleLocked(q.lastFlush)
			return
		}
	}
}

// scheduleLocked makes sure that pending counts are added: it reports whether a flush is due
// now (the caller starts it), or else sets a timer for when it will be. Called with q.mu held.
func (q *quotas) scheduleLocked(now time.Time) (due bool) {
	if q.flushing {
		return false // the flush's end schedules what it leaves
	}
	wait := quotaFlushEvery - now.Sub(q.lastFlush)
	if wait <= 0 {
		q.flushing = true
		return true
	}
	if !q.timer {
		q.timer = true
		time.AfterFunc(wait, q.flushByTimer)
	}
	return false
}

// flushByTimer runs the flush a timer was set for.
func (q *quotas) flushByTimer() {
	q.mu.Lock()
	q.timer = false
	due := q.scheduleLocked(q.now())
	q.mu.Unlock()
	if due {
		q.flush()
	}
}
