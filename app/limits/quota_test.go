package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/app/limits"
)

// Quotas are counted in memory and added to the shared counters in batches: a burst of
// requests writes (almost) nothing, the counts reach the database within about a second of
// traffic, a second instance starts from what the first has added, and a refund gives one
// request back.
func TestQuotasCountInMemoryAndAddInBatches(t *testing.T) {
	db, first, second := twoInstances(t)
	ctx := context.Background()
	l := limits.Limit{Name: "quota-test", Max: 1000, Window: time.Hour}
	shared := func() int {
		var hits int
		if err := db.Get(&hits, `SELECT coalesce(sum(hits), 0) FROM rate_limits WHERE bucket LIKE 'quota-test:%'`); err != nil {
			t.Fatal(err)
		}
		return hits
	}

	for i := 1; i <= 200; i++ {
		n, err := first.Quota(ctx, l, "203.0.113.9")
		if err != nil || n.N != i || n.Over() {
			t.Fatalf("request %d: %+v, %v", i, n, err)
		}
	}
	if got := shared(); got >= 200 {
		t.Errorf("the database counted %d of a burst of 200: a write per request", got)
	}
	// The next request after a second of traffic adds the counts made meanwhile.
	time.Sleep(1100 * time.Millisecond)
	if n, _ := first.Quota(ctx, l, "203.0.113.9"); n.N != 201 {
		t.Errorf("request 201: %+v", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for shared() != 201 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := shared(); got != 201 {
		t.Fatalf("shared count %d, want 201", got)
	}
	// Another instance starts from the shared count.
	if n, _ := second.Quota(ctx, l, "203.0.113.9"); n.N != 202 {
		t.Errorf("the second instance's first request: %+v, want 202", n)
	}
	// A refund gives the request back.
	if err := first.RefundQuota(ctx, l, "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	if n, _ := first.Quota(ctx, l, "203.0.113.9"); n.N != 201 {
		t.Errorf("after a refund: %+v, want 201 (the second instance's request is not known here yet)", n)
	}
	// Past the budget, refused.
	tight := limits.Limit{Name: "quota-test", Max: 2, Window: time.Hour}
	for i, over := range []bool{false, false, true} {
		if n, _ := first.Quota(ctx, tight, "198.51.100.4"); n.Over() != over {
			t.Errorf("request %d of 2: %+v", i+1, n)
		}
	}
}
