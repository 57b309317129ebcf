package limits_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// One budget for every interface: the counters of one key are the same whoever counts, an
// address's case does not make a new budget, and a spent budget refuses before the next guess.
func TestCountersShareOneBudget(t *testing.T) {
	db, api, site := twoInstances(t)
	ctx := context.Background()
	l := limits.Limit{Name: "test", Max: 3, Window: time.Hour}
	for i, c := range []*limits.Counters{api, site, api} {
		n, err := c.Hit(ctx, l, "Ana@Example.org")
		if err != nil || n.N != i+1 || n.Over() {
			t.Fatalf("hit %d: %+v, %v", i+1, n, err)
		}
	}
	if n, _ := site.Peek(ctx, l, "ana@example.org"); !n.Over() {
		t.Errorf("a spent budget peeks as %+v, want over", n)
	}
	if n, _ := api.Hit(ctx, l, "ana@example.org"); !n.Over() {
		t.Errorf("the fourth event: %+v, want over", n)
	}
	if n, _ := api.Hit(ctx, l, "rui@example.org"); n.N != 1 {
		t.Errorf("another key shares the count: %+v", n)
	}
	if limits.New(repository.New(db), []byte("other")).Bucket(l, "x") == api.Bucket(l, "x") {
		t.Error("the bucket's name does not depend on the secret")
	}

	// The login guard refuses through the interface's answer once the account's guesses are spent.
	tooMany := errors.New("too many")
	guard := api.LoginGuard("192.0.2.1", func(n limits.Count) error {
		if n.Over() {
			return tooMany
		}
		return nil
	})
	for range limits.FailedLoginsPerAccount.Max {
		if err := guard.Failed(ctx, "eve@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if err := guard.Guessing(ctx, "eve@example.org"); !errors.Is(err, tooMany) {
		t.Errorf("after %d failures the next guess: %v", limits.FailedLoginsPerAccount.Max, err)
	}
}

// twoInstances are the counters of two instances of the service over one fresh database.
func twoInstances(t *testing.T) (*sqlx.DB, *limits.Counters, *limits.Counters) {
	t.Helper()
	testdb.SkipIfShort(t)
	db, _ := testdb.New(t)
	store := repository.New(db)
	return db, limits.New(store, []byte("secret")), limits.New(store, []byte("secret"))
}
