package repository_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// Every registered statement is parsed and planned by PostgreSQL against the migrated schema:
// PREPARE checks names of tables, columns and functions, and the types of parameters, without
// running anything.
func TestEveryStatementPrepares(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	all := repository.Statements()
	names := slices.Sorted(maps.Keys(all))
	for _, name := range names {
		st, err := db.PreparexContext(ctx, all[name])
		if err != nil {
			t.Errorf("statement %s: %v", name, err)
			continue
		}
		_ = st.Close()
	}
	t.Logf("%d statements prepared", len(names))
}
