package repository_test

import (
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// A change of regions rebuilds the eligibility conditions of the countries whose regions it
// changed, and of no other (migration 00071): a second country's row, made stale on purpose,
// stays stale through an insert, a rename and a delete of the first country's regions, while the
// first country's row follows each of them.
func TestRegionChangesRebuildOnlyTheirCountry(t *testing.T) {
	db, _ := testdb.New(t)
	var pair []string
	if err := db.Select(&pair, `SELECT country_code::text FROM regions GROUP BY 1 ORDER BY 1 LIMIT 2`); err != nil {
		t.Fatal(err)
	}
	if len(pair) < 2 {
		t.Fatalf("the seed has regions in %d countries; the test needs two", len(pair))
	}
	changed, other := pair[0], pair[1]
	mustExec(t, db, `UPDATE read_eligibility SET regions = '[]' WHERE country_code = $1`, other)

	for _, step := range []struct{ name, write, want string }{
		{"insert", `INSERT INTO regions (country_code, code, name, kind, position)
			VALUES ($1, 'zz_test', 'Test island', 'island', 999)`, `Test island`},
		{"rename", `UPDATE regions SET name = 'Renamed island' WHERE country_code = $1 AND code = 'zz_test'`, `Renamed island`},
		{"delete", `DELETE FROM regions WHERE country_code = $1 AND code = 'zz_test'`, ``},
	} {
		mustExec(t, db, step.write, changed)
		var names []string
		if err := db.Select(&names, `SELECT r->>1 FROM read_eligibility, jsonb_array_elements(regions) r
			WHERE country_code = $1 AND r->>0 = 'zz_test'`, changed); err != nil {
			t.Fatal(err)
		}
		if got := append(names, "")[0]; got != step.want {
			t.Errorf("after the %s, %s's conditions name the region %q, want %q", step.name, changed, got, step.want)
		}
		var stale bool
		if err := db.Get(&stale, `SELECT regions = '[]' FROM read_eligibility WHERE country_code = $1`, other); err != nil {
			t.Fatal(err)
		}
		if !stale {
			t.Fatalf("the %s of a region of %s rebuilt the conditions of %s too", step.name, changed, other)
		}
	}
}

func mustExec(t *testing.T, db *sqlx.DB, statement string, args ...any) {
	t.Helper()
	if _, err := db.Exec(statement, args...); err != nil {
		t.Fatalf("%v\n%s", err, statement)
	}
}
