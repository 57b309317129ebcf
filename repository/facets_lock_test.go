package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// Two transactions that each refresh two items of one country, in opposite orders, must not
// deadlock on the facet counts they both change: read_model_refresh takes a lock per kind
// first (migration 00066). Without it, the first refreshes A and then waits for D's counts,
// held by the second, which refreshed D and waits for A's.
func TestFacetCountsWritersDoNotDeadlock(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	// Two published opportunities of one country whose facet counts share no row (their
	// deadlines differ, and the deadline is part of a count's key).
	var a, d string
	err := db.QueryRowContext(ctx, `
		SELECT x.id, y.id FROM read_keys x JOIN read_keys y
		  ON y.kind = x.kind AND y.country_code = x.country_code AND y.id > x.id AND y.sector_key = ''
		WHERE x.kind = 'opportunities' AND x.sector_key = ''
		  AND NOT EXISTS (SELECT 1 FROM read_model_facet_counts('opportunities', ARRAY[x.id]) f
		    JOIN read_model_facet_counts('opportunities', ARRAY[y.id]) g
		    USING (country_code, facet, code, illustrative, deadline))
		LIMIT 1`).Scan(&a, &d)
	if err != nil {
		t.Fatalf("no two opportunities with separate counts in the seed: %v", err)
	}
	refresh := `SELECT read_model_refresh('opportunities', $1::uuid[])`
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	second, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Rollback()
	if _, err := second.ExecContext(ctx, refresh, pq.Array([]string{d})); err != nil {
		t.Fatal(err)
	}
	firstDone := make(chan error, 1)
	go func() {
		if _, err := first.ExecContext(ctx, refresh, pq.Array([]string{a})); err != nil {
			firstDone <- err
			return
		}
		_, err := first.ExecContext(ctx, refresh, pq.Array([]string{d}))
		if err == nil {
			err = first.Commit()
		}
		firstDone <- err
	}()
	// Give the first transaction the time to take A's counts (it cannot, with the lock).
	time.Sleep(300 * time.Millisecond)
	if _, err := second.ExecContext(ctx, refresh, pq.Array([]string{a})); err != nil {
		t.Fatalf("the second writer: %v", err)
	}
	if err := second.Commit(); err != nil {
		t.Fatalf("the second writer's commit: %v", err)
	}
	if err := <-firstDone; err != nil {
		t.Fatalf("the first writer: %v", err)
	}
	// The counts are still those of a rebuild.
	var wrong int
	if err := db.GetContext(ctx, &wrong, `
		SELECT count(*) FROM (
		  (SELECT kind, country_code, facet, code, illustrative, deadline, items FROM read_facets WHERE kind = 'opportunities'
		   EXCEPT SELECT * FROM read_model_facet_counts('opportunities', NULL))
		  UNION ALL
		  (SELECT * FROM read_model_facet_counts('opportunities', NULL)
		   EXCEPT SELECT kind, country_code, facet, code, illustrative, deadline, items FROM read_facets WHERE kind = 'opportunities')) x`); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d facet counts differ from a rebuild", wrong)
	}
}
