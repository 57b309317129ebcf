package limits

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// Keys that each come once a window (one-off visitors) are forgotten when their window is
// over: the first request of a window also schedules the flush that prunes the counts.
func TestQuotaForgetsOneOffKeys(t *testing.T) {
	testdb.SkipIfShort(t)
	db, _ := testdb.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := New(repository.New(db), []byte("secret"))
	c.quotas.now = clock
	l := Limit{Name: "one-off", Max: 100, Window: time.Minute}
	held := func() int {
		c.quotas.mu.Lock()
		defer c.quotas.mu.Unlock()
		return len(c.quotas.counts)
	}
	for i, key := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"} {
		if _, err := c.Quota(context.Background(), l, key); err != nil {
			t.Fatal(err)
		}
		// Wait for the flush this request scheduled, then move to the next window.
		deadline := time.Now().Add(5 * time.Second)
		for held() > 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := held(); n > 1 {
			t.Fatalf("after %d one-off keys, %d windows are held", i+1, n)
		}
		mu.Lock()
		now = now.Add(2 * time.Minute)
		mu.Unlock()
	}
}
