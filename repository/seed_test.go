package repository_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// catalogueTables lists every table of the schema but goose's own.
func catalogueTables(t *testing.T, db *sqlx.DB) []string {
	t.Helper()
	var tables []string
	if err := db.Select(&tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'
		ORDER BY table_name`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 20 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	return tables
}

// rowCounts counts the rows of every catalogue table.
func rowCounts(t *testing.T, db *sqlx.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range catalogueTables(t, db) {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM `+pq.QuoteIdentifier(table)); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// snapshot renders every row of every catalogue table, sorted, leaving out the columns skip
// names ("created_at", or "diaspora_facts.id"). With lexemesOnly, search documents are
// rendered as their lexemes with how often and with which weights each occurs, leaving out
// the positions.
func snapshot(t *testing.T, db *sqlx.DB, lexemesOnly bool, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range catalogueTables(t, db) {
		var columns []string
		if err := db.Select(&columns, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, table); err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, c := range columns {
			skipped := false
			for _, s := range skip {
				if s == c || s == table+"."+c {
					skipped = true
				}
			}
			switch {
			case skipped:
			case lexemesOnly && c == "search_document":
				kept = append(kept, `ARRAY(SELECT u.lexeme || ':' || coalesce(array_length(u.positions, 1), 0) || ':' ||
					array_to_string(ARRAY(SELECT w FROM unnest(u.weights) w ORDER BY w), '') FROM unnest(search_document) u ORDER BY 1)`)
			default:
				kept = append(kept, pq.QuoteIdentifier(c))
			}
		}
		var rows string
		if err := db.Get(&rows, `SELECT coalesce(string_agg(r, E'\n' ORDER BY r), '') FROM (SELECT ROW(`+
			strings.Join(kept, ", ")+`)::text AS r FROM `+pq.QuoteIdentifier(table)+`) x`); err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}

// contentIDs maps kind/slug to id for organizations and content.
func contentIDs(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	var rows []struct {
		Key string `db:"key"`
		ID  string `db:"id"`
	}
	if err := db.Select(&rows, `
		SELECT 'organization/' || slug AS key, id::text FROM organizations
		UNION ALL SELECT 'opportunity/' || slug, id::text FROM opportunities
		UNION ALL SELECT 'incentive/' || slug, id::text FROM incentives
		UNION ALL SELECT 'programme/' || slug, id::text FROM programmes`); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Key] = r.ID
	}
	return out
}

func compareSnapshots(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for table, rows := range before {
		if after[table] != rows {
			t.Errorf("%s: table %s changed:\nbefore: %.600s\nafter:  %.600s", what, table, rows, after[table])
		}
	}
	for table := range after {
		if _, ok := before[table]; !ok {
			t.Errorf("%s: table %s appeared", what, table)
		}
	}
}

func TestLoadSeedTwiceChangesNothing(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	ctx := context.Background()

	// Rows are written again on the second load, so their timestamps move; facts are numbered
	// by an identity column and are replaced as a whole. The positions in search documents are
	// left to TestSearchDocumentDoesNotDependOnTheOrderTranslationsWereWritten.
	skip := []string{"created_at", "updated_at", "diaspora_facts.id"}
	counts, ids, rows := rowCounts(t, db), contentIDs(t, db), snapshot(t, db, true, skip...)
	for _, table := range []string{"countries", "regions", "organizations", "opportunities", "incentives",
		"programmes", "opportunity_translations", "incentive_benefits", "exchange_rates", "diaspora_facts"} {
		if counts[table] == 0 {
			t.Fatalf("the seeded database has no %s", table)
		}
	}

	content, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeed(ctx, content); err != nil {
		t.Fatalf("second load: %v", err)
	}

	after := rowCounts(t, db)
	for table, n := range counts {
		if after[table] != n {
			t.Errorf("%s: %d rows before the second load, %d after", table, n, after[table])
		}
	}
	afterIDs := contentIDs(t, db)
	for key, id := range ids {
		if afterIDs[key] != id {
			t.Errorf("%s: id %s became %q", key, id, afterIDs[key])
		}
	}
	if len(afterIDs) != len(ids) {
		t.Errorf("%d ids before, %d after", len(ids), len(afterIDs))
	}
	compareSnapshots(t, "second load", rows, snapshot(t, db, true, skip...))

	// The ids are derived from the slugs, so every machine has the same ones.
	for _, f := range content.Countries {
		for _, o := range f.Opportunities {
			if got := afterIDs["opportunity/"+o.Slug]; got != repository.SeedID(o.Slug) {
				t.Errorf("opportunity %s has id %s, want %s", o.Slug, got, repository.SeedID(o.Slug))
			}
		}
		for _, it := range f.Incentives {
			if got := afterIDs["incentive/"+it.Slug]; got != repository.SeedID(it.Slug) {
				t.Errorf("incentive %s has id %s, want %s", it.Slug, got, repository.SeedID(it.Slug))
			}
		}
	}

	// And the catalogue reads as before.
	page, err := s.Opportunities(ctx, domain.ListFilter{Limit: 100, Langs: langs})
	if err != nil {
		t.Fatal(err)
	}
	var published int
	if err := db.Get(&published, `SELECT count(*) FROM opportunities WHERE status = 'published'`); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != published {
		t.Errorf("%d opportunities listed after the second load, %d published", len(page.Items), published)
	}
}

func TestBrokenSeedLeavesTheDatabaseAsItWas(t *testing.T) {
	for _, c := range []struct {
		name string
		// breakIt spoils the seed and says which slug the error must name.
		breakIt func(t *testing.T, c *seed.Content) string
	}{
		{"unknown region on the last opportunity", func(t *testing.T, c *seed.Content) string {
			for i := len(c.Countries) - 1; i >= 0; i-- {
				if ops := c.Countries[i].Opportunities; len(ops) > 0 {
					atlantis := "atlantis"
					ops[len(ops)-1].Region = &atlantis
					return ops[len(ops)-1].Slug
				}
			}
			t.Fatal("the seed has no opportunity")
			return ""
		}},
		{"unknown sector on an incentive", func(t *testing.T, c *seed.Content) string {
			for i := len(c.Countries) - 1; i >= 0; i-- {
				if its := c.Countries[i].Incentives; len(its) > 0 {
					it := &its[len(its)-1]
					it.Eligibility.Sectors = append(it.Eligibility.Sectors, "space_mining")
					return it.Slug
				}
			}
			t.Fatal("the seed has no incentive")
			return ""
		}},
		// seed.Check, run by the loader before it writes: eligibility recomputed for each link.
		{"a linked incentive the opportunity cannot get", func(t *testing.T, c *seed.Content) string {
			o := findOpportunity(t, c, "cv-mindelo-fish-processing")            // 121–330 million CVE
			o.Incentives = append(o.Incentives, "cv-zeemsv-special-incentives") // needs 275 million
			return o.Slug
		}},
		{"an example under a real agency", func(t *testing.T, c *seed.Content) string {
			o := findOpportunity(t, c, "cv-fogo-winery-expansion")
			o.Organization = "cv-tradeinvest"
			return o.Slug
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			db := s.DB()
			content, err := seed.Load()
			if err != nil {
				t.Fatal(err)
			}
			// Changes that come before the fault, which must not survive it either.
			content.Reference.ExchangeRates[len(content.Reference.ExchangeRates)-1].PerEUR = "1"
			for i := range content.Countries {
				f := &content.Countries[i]
				for j := range f.Opportunities {
					o := &f.Opportunities[j]
					for lang, text := range o.Text {
						text.Title = "Changed by a broken seed"
						o.Text[lang] = text
					}
				}
				if len(f.Country.Regions) > 0 {
					f.Country.Regions[0].Name = "Changed"
				}
			}
			slug := c.breakIt(t, content)

			counts, before := rowCounts(t, db), snapshot(t, db, false)
			err = s.LoadSeed(context.Background(), content)
			if err == nil {
				t.Fatal("a broken seed loaded")
			}
			if !strings.Contains(err.Error(), slug) {
				t.Errorf("the error does not name %s: %v", slug, err)
			}
			after := rowCounts(t, db)
			for table, n := range counts {
				if after[table] != n {
					t.Errorf("%s: %d rows before, %d after the failed load", table, n, after[table])
				}
			}
			compareSnapshots(t, "failed load", before, snapshot(t, db, false))
		})
	}
}

func findOpportunity(t *testing.T, c *seed.Content, slug string) *seed.Opportunity {
	t.Helper()
	for i := range c.Countries {
		for j := range c.Countries[i].Opportunities {
			if o := &c.Countries[i].Opportunities[j]; o.Slug == slug {
				return o
			}
		}
	}
	t.Fatalf("no opportunity %s in the seed", slug)
	return nil
}
