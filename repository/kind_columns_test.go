package repository_test

import (
	"context"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// The kinds' rows are scanned by position into the domain types (opportunityFields and the
// others): every list and detail statement, from the content tables and from the read model,
// selects exactly the columns its fields name, in their order, so that a column added to one
// and not the other fails here rather than in a request (or scans into the wrong field).
func TestKindStatementsSelectTheColumnsTheirFieldsRead(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	for _, st := range repository.KindStatements("no-such-item") {
		if len(st.Columns) != st.Scanned {
			t.Errorf("%s: the fields name %d columns and scan %d", st.Name, len(st.Columns), st.Scanned)
		}
		rows, err := db.QueryContext(ctx, st.SQL, st.Args...)
		if err != nil {
			t.Errorf("%s: %v", st.Name, err)
			continue
		}
		selected, err := rows.Columns()
		rows.Close()
		if err != nil {
			t.Errorf("%s: %v", st.Name, err)
			continue
		}
		if !slices.Equal(selected, st.Columns) {
			t.Errorf("%s selects\n\t%v\nits fields read\n\t%v", st.Name, selected, st.Columns)
		}
	}
}
