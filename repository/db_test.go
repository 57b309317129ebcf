package repository_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

func TestStatementTimeoutIsSetOnEveryConnection(t *testing.T) {
	_, url := testdb.New(t)
	db, err := repository.Open(context.Background(), url, repository.PoolOptions{MaxOpen: 2, StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var setting string
	if err := db.Get(&setting, `SHOW statement_timeout`); err != nil {
		t.Fatal(err)
	}
	if setting != "300ms" {
		t.Errorf("statement_timeout = %q", setting)
	}
	_, err = db.Exec(`SELECT pg_sleep(2)`)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "57014" {
		t.Errorf("a slow query was not cancelled: %v", err)
	}
}

func TestOddFiltersDoNotBreakQueries(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// A zero limit is read as the default; no search languages searches nothing.
	page, err := s.Opportunities(ctx, domain.ListFilter{})
	if err != nil || len(page.Items) == 0 || len(page.Items) > domain.DefaultLimit {
		t.Errorf("zero filter: %d items, %v", len(page.Items), err)
	}
	page, err = s.Opportunities(ctx, domain.ListFilter{Query: "turismo", Limit: 5})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("search without languages: %d items, %v", len(page.Items), err)
	}
}
