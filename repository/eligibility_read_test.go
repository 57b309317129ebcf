package repository_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/repository"
)

// The precomputed eligibility conditions (read_eligibility, one statement) give what the
// statements before them gave (the country's existence, the rates, the candidates from the
// content tables, the regions): on the seed, with and without examples, and on a synthetic
// set, for every country and many reader languages; and again after writes that change an
// incentive's conditions, archive a programme and rename a region, which the triggers carry
// into the precomputed rows in the same transaction.
func TestEligibilityConditionsAnswerAsBefore(t *testing.T) {
	onSeedAndSynthetic(t, func(t *testing.T, db *sqlx.DB, synthetic bool) {
		for _, showExamples := range []bool{true, false} {
			model, tables := repository.New(db), repository.New(db)
			repository.ReadFromContentTables(tables)
			if !showExamples {
				model.Public(false)
				tables.Public(false)
			}
			compareConditions(t, db, model, tables)
		}
		// Writes: the triggers keep the precomputed rows in the same transaction.
		for _, write := range []string{
			`WITH c AS (SELECT id FROM incentives WHERE status = 'published' ORDER BY id LIMIT 3)
			UPDATE incentives SET min_investment = 12345.67, investment_currency = 'EUR', min_jobs = 4, valid_until = date '2030-01-31'
			WHERE id IN (SELECT id FROM c)`,
			`SELECT read_model_refresh('incentives', NULL)`,
			`WITH c AS (SELECT id FROM programmes WHERE status = 'published' ORDER BY id LIMIT 1)
			UPDATE programmes SET status = 'archived' WHERE id IN (SELECT id FROM c)`,
			`SELECT read_model_refresh('programmes', NULL)`,
			`UPDATE regions SET name = name || ' (renamed)' WHERE (country_code, code) IN (SELECT country_code, code FROM regions ORDER BY 1, 2 LIMIT 2)`,
		} {
			if _, err := db.Exec(write); err != nil {
				t.Fatalf("%v\n%s", err, write)
			}
		}
		model, tables := repository.New(db), repository.New(db)
		repository.ReadFromContentTables(tables)
		compareConditions(t, db, model, tables)
	})
}

func compareConditions(t *testing.T, db *sqlx.DB, model, tables *repository.Store) {
	t.Helper()
	var countries []string
	if err := db.Select(&countries, `SELECT code::text FROM countries ORDER BY code`); err != nil {
		t.Fatal(err)
	}
	countries = append(countries, "ZZ") // unknown
	langSets := append(readerLangSets, []string{"kea", "pt"}, []string{"pt", "en", "fr", "es", "kea"})
	candidates := 0
	for _, c := range countries {
		for _, langs := range langSets {
			want := conditionsJSON(t, tables, c, langs)
			got := conditionsJSON(t, model, c, langs)
			if got != want {
				t.Errorf("eligibility conditions of %s in %v differ:\n got …%s\nwant …%s", c, langs, around(got, want), around(want, got))
			}
			candidates += len(want)
		}
	}
	if candidates == 0 {
		t.Fatal("no conditions compared")
	}
}

func conditionsJSON(t *testing.T, s *repository.Store, country string, langs []string) string {
	t.Helper()
	known, regions, candidates, rates, err := s.EligibilityConditions(context.Background(), country, langs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"known": known, "regions": regions, "candidates": candidates, "rates": rates})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// around is a's text around its first difference from b.
func around(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(i-200, 0):min(i+200, len(a))]
}
