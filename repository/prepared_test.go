package repository_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// Prepared reads answer as unprepared ones do: concurrently on many connections, beyond the
// bound on statements kept (unprepared then), and for a statement the database refuses (its
// error, not a silent nil).
func TestPreparedReads(t *testing.T) {
	db, _ := testdb.New(t)
	p := repository.NewPreparedReads(db)
	defer p.Close()
	ctx := context.Background()

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				var got int
				if err := sqlx.GetContext(ctx, p, &got, `SELECT $1::int * 2`, g*100+i); err != nil {
					t.Error(err)
					return
				}
				if want := (g*100 + i) * 2; got != want {
					t.Errorf("got %d, want %d", got, want)
				}
			}
		}()
	}
	wg.Wait()
	if n := p.Kept(); n != 1 {
		t.Errorf("%d statements kept for one text, want 1", n)
	}

	for i := range repository.MaxPrepared + 10 {
		var got string
		if err := sqlx.GetContext(ctx, p, &got, fmt.Sprintf(`SELECT 'q%d'`, i)); err != nil || got != fmt.Sprintf("q%d", i) {
			t.Fatalf("statement %d: got %q, %v", i, got, err)
		}
	}
	if n := p.Kept(); n != repository.MaxPrepared {
		t.Errorf("%d statements kept, want the bound %d", n, repository.MaxPrepared)
	}

	var x int
	if err := sqlx.GetContext(ctx, p, &x, `SELECT no_such_column FROM countries`); err == nil {
		t.Error("a statement the database refuses gave no error")
	}
}
