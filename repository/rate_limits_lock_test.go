package repository_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// Two instances flushing their quota counts at once, over the same buckets handed in opposite
// orders (each instance's map order is its own), must not deadlock: the statement upserts the
// rows in one order whatever the order of its arrays.
func TestRateLimitFlushesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	store := repository.New(db)
	ctx := context.Background()
	start := time.Now().UTC().Truncate(time.Minute)
	const n = 2000
	buckets := make([]string, n)
	starts := make([]time.Time, n)
	adds := make([]int, n)
	for i := range buckets {
		buckets[i], starts[i], adds[i] = fmt.Sprintf("deadlock-test:%04d", i), start, 1
	}
	reversed := slices.Clone(buckets)
	slices.Reverse(reversed)
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, order := range [][]string{buckets, reversed} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = store.AddRateLimits(ctx, order, starts, adds)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	var total int
	if err := db.Get(&total, `SELECT sum(hits) FROM rate_limits WHERE bucket LIKE 'deadlock-test:%'`); err != nil || total != 2*5*n {
		t.Errorf("%d hits counted (%v), want %d", total, err, 2*5*n)
	}
}
