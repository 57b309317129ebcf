package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/benchdata"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// readerLangSets are the reader languages the equivalence test reads in: none, each interface
// language, and preferences whose first language some items lack.
var readerLangSets = [][]string{nil, {"pt"}, {"en"}, {"fr"}, {"es"}, {"fr", "en"}, {"es", "fr", "pt"}, {"en", "pt"}}

// publicPage is one page of a list as JSON values, so that every field is compared.
type publicPage struct {
	items  []string
	ids    []string
	next   *domain.Cursor
	facets string
}

func readPage(t *testing.T, s *repository.Store, kind domain.Kind, f domain.ListFilter) publicPage {
	t.Helper()
	ctx := context.Background()
	var (
		items  any
		next   *domain.Cursor
		facets domain.Facets
		ids    []string
		err    error
	)
	switch kind {
	case domain.KindOpportunity:
		var p *domain.Page[domain.Opportunity]
		if p, err = s.Opportunities(ctx, f); err == nil {
			items, next, facets = p.Items, p.Next, p.Facets
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
		}
	case domain.KindIncentive:
		var p *domain.Page[domain.Incentive]
		if p, err = s.Incentives(ctx, f); err == nil {
			items, next, facets = p.Items, p.Next, p.Facets
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
		}
	default:
		var p *domain.Page[domain.Programme]
		if p, err = s.Programmes(ctx, f); err == nil {
			items, next, facets = p.Items, p.Next, p.Facets
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
		}
	}
	if err != nil {
		t.Fatalf("%s %+v: %v", kind, f, err)
	}
	var raw []json.RawMessage
	b, _ := json.Marshal(items)
	_ = json.Unmarshal(b, &raw)
	out := publicPage{ids: ids, next: next}
	for _, r := range raw {
		out.items = append(out.items, string(r))
	}
	fb, _ := json.Marshal(facets)
	out.facets = string(fb)
	return out
}

// walk reads every page of a list.
func walk(t *testing.T, s *repository.Store, kind domain.Kind, f domain.ListFilter) []publicPage {
	t.Helper()
	var pages []publicPage
	for len(pages) < 2000 {
		p := readPage(t, s, kind, f)
		pages = append(pages, p)
		if p.next == nil {
			return pages
		}
		f.After = p.next
		f.Facets = nil // counted once per list: they do not depend on the page
	}
	t.Fatal("cursor loop")
	return nil
}

// equivalenceFilters are the lists compared: every filter alone and some together, on the
// countries, sectors, regions, types and amounts of the data set.
func equivalenceFilters(t *testing.T, db *sqlx.DB, kind domain.Kind) []domain.ListFilter {
	t.Helper()
	var countries []string
	if err := db.Select(&countries, `SELECT DISTINCT country_code::text FROM `+string(kind)+`
		WHERE status = 'published' ORDER BY 1 LIMIT 4`); err != nil {
		t.Fatal(err)
	}
	var regions []struct {
		Country string `db:"country_code"`
		Code    string `db:"code"`
	}
	if err := db.Select(&regions, `SELECT DISTINCT ON (country_code) country_code::text, code FROM regions
		WHERE country_code = ANY($1) ORDER BY country_code, position`, "{"+strings.Join(countries, ",")+"}"); err != nil {
		t.Fatal(err)
	}
	types := map[domain.Kind]string{domain.KindOpportunity: "equity", domain.KindIncentive: "tax", domain.KindProgramme: "grant"}
	base := domain.ListFilter{Currency: "EUR", Facets: domain.FacetNames}
	var out []domain.ListFilter
	add := func(change func(f *domain.ListFilter)) {
		f := base
		change(&f)
		out = append(out, f)
	}
	add(func(f *domain.ListFilter) {})
	add(func(f *domain.ListFilter) { f.IncludeClosed = true })
	add(func(f *domain.ListFilter) { f.Sectors = []string{"tourism", "ict"} })
	add(func(f *domain.ListFilter) { f.Type = types[kind] })
	add(func(f *domain.ListFilter) { f.InvestorType = "diaspora" })
	add(func(f *domain.ListFilter) { f.MaxAmount = "250000.00" })
	add(func(f *domain.ListFilter) { f.MinAmount, f.Currency = "1000000", "USD" })
	add(func(f *domain.ListFilter) { f.MinAmount, f.MaxAmount, f.Currency = "10000", "5000000", "CVE" })
	for _, c := range countries {
		add(func(f *domain.ListFilter) { f.Country = c })
		add(func(f *domain.ListFilter) { f.Country, f.Sectors = c, []string{"tourism"} })
		add(func(f *domain.ListFilter) { f.Country, f.Sectors = c, []string{"renewable_energy", "agribusiness"} })
	}
	for _, r := range regions {
		add(func(f *domain.ListFilter) { f.Country, f.Region = r.Country, r.Code })
		add(func(f *domain.ListFilter) { f.Region, f.Sectors = r.Code, []string{"ict"} })
	}
	return out
}

// TestReadModelAnswersAsTheContentTables compares every public answer of the read model with
// the content tables' own queries (as before it): on the seed and on a synthetic catalogue of
// 5,000 opportunities, across reader languages, filters, facets and cursors, with and without
// examples. Lists and details must match field for field, in the same order, with the same
// cursors; a search must find the same items with the same fields (its order is the read
// model's own: title matches first, see README "Search"). Eligibility's precomputed conditions
// are compared in TestEligibilityConditionsAnswerAsBefore.
func TestReadModelAnswersAsTheContentTables(t *testing.T) {
	onSeedAndSynthetic(t, func(t *testing.T, db *sqlx.DB, synthetic bool) {
		for _, showExamples := range []bool{true, false} {
			if synthetic && !showExamples {
				continue // the synthetic set has no examples
			}
			model, tables := repository.New(db), repository.New(db)
			repository.ReadFromContentTables(tables)
			if !showExamples {
				model.Public(false)
				tables.Public(false)
			}
			compareLists(t, db, model, tables, synthetic)
			compareSearches(t, model, tables, synthetic)
			compareDetails(t, db, model, tables)
		}
	})
}

// onSeedAndSynthetic runs check in parallel on a fresh seeded database ("seed") and on one
// with a synthetic catalogue of 5,000 opportunities loaded and analyzed ("synthetic", skipped
// under -short): the two data sets of the read model's equivalence tests.
func onSeedAndSynthetic(t *testing.T, check func(t *testing.T, db *sqlx.DB, synthetic bool)) {
	for _, set := range []struct {
		name string
		size int
	}{{"seed", 0}, {"synthetic", 5000}} {
		t.Run(set.name, func(t *testing.T) {
			if set.size > 0 {
				testdb.SkipIfShort(t)
			}
			t.Parallel()
			db, _ := testdb.New(t)
			if set.size > 0 {
				if _, err := db.Exec(benchdata.Load(set.size)); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(`ANALYZE`); err != nil {
					t.Fatal(err)
				}
			}
			check(t, db, set.size > 0)
		})
	}
}

func compareLists(t *testing.T, db *sqlx.DB, model, tables *repository.Store, large bool) {
	t.Helper()
	for _, kind := range kinds {
		for i, f := range equivalenceFilters(t, db, kind) {
			// A large set is read through half the filters (every other one).
			if large && i%2 == 1 {
				continue
			}
			for j, langs := range readerLangSets {
				// A large set is walked in one language per filter (each one in turn).
				if large && j != (i/2)%len(readerLangSets) {
					continue
				}
				f.Langs = langs
				f.Limit = 7
				if large {
					f.Limit = domain.MaxLimit
				}
				want, got := walk(t, tables, kind, f), walk(t, model, kind, f)
				label := fmt.Sprintf("%s %+v", kind, f)
				if len(got) != len(want) {
					t.Errorf("%s: %d pages, want %d", label, len(got), len(want))
					continue
				}
				for p := range want {
					if !slices.Equal(got[p].items, want[p].items) {
						t.Errorf("%s page %d:\n got %v\nwant %v", label, p, got[p].ids, want[p].ids)
						for k := range min(len(got[p].items), len(want[p].items)) {
							if got[p].items[k] != want[p].items[k] {
								t.Errorf("first difference:\n got %s\nwant %s", got[p].items[k], want[p].items[k])
								break
							}
						}
						break
					}
					if got[p].facets != want[p].facets {
						t.Errorf("%s page %d: facets\n got %s\nwant %s", label, p, got[p].facets, want[p].facets)
					}
					if (got[p].next == nil) != (want[p].next == nil) || got[p].next != nil && *got[p].next != *want[p].next {
						t.Errorf("%s page %d: cursor %+v, want %+v", label, p, got[p].next, want[p].next)
					}
				}
			}
		}
	}
}

func compareSearches(t *testing.T, model, tables *repository.Store, large bool) {
	t.Helper()
	queries, langSets := []string{"hotel", "investimento", "diaspora", "energia solar", "pêche", "peche", "école", "Cabo Verde", "bank", "tourism",
		"hotel or pesca", "investimento -diaspora", `"energia solar"`}, readerLangSets[:5]
	if large {
		// The content tables rank every match: a few common words are enough here.
		queries, langSets = []string{"pêche", "école", "bank"}, readerLangSets[2:4]
	}
	// Each search in every country, then in one (its postings are skipped by country).
	country := "CV"
	if large {
		country = "XA"
	}
	for i, q := range queries {
		for _, kind := range kinds {
			for j, langs := range langSets {
				f := domain.ListFilter{Query: q, SearchLangs: []string{"en", "es", "fr", "pt", "simple"}, Langs: langs,
					Currency: "EUR", Limit: 9, Facets: domain.FacetNames}
				if (i+j)%2 == 1 {
					f.Country = country
				}
				set := func(pages []publicPage) []string {
					var out []string
					for _, p := range pages {
						out = append(out, p.items...)
					}
					slices.Sort(out)
					return out
				}
				want, got := walk(t, tables, kind, f), walk(t, model, kind, f)
				if !slices.Equal(set(got), set(want)) {
					t.Errorf("search %s %q in %v (country %q): found %d items, want %d (or their fields differ)", kind, q, langs, f.Country, len(set(got)), len(set(want)))
				}
				if got[0].facets != want[0].facets {
					t.Errorf("search %s %q: facets\n got %s\nwant %s", kind, q, got[0].facets, want[0].facets)
				}
			}
		}
	}
}

func compareDetails(t *testing.T, db *sqlx.DB, model, tables *repository.Store) {
	t.Helper()
	ctx := context.Background()
	var refs []struct {
		Kind string `db:"kind"`
		ID   string `db:"id"`
		Slug string `db:"slug"`
	}
	// Every item of the seed (drafts too: neither may show them), a sample of a large set.
	// (the synthetic countries' codes begin with X or Q).
	if err := db.Select(&refs, `SELECT kind, id, slug FROM (
		SELECT 'opportunities' AS kind, id::text, slug, country_code FROM opportunities
		UNION ALL SELECT 'incentives', id::text, slug, country_code FROM incentives
		UNION ALL SELECT 'programmes', id::text, slug, country_code FROM programmes) x
		WHERE country_code !~ '^[XQ]' OR hashtext(id::text) % 100 = 0`); err != nil {
		t.Fatal(err)
	}
	read := func(s *repository.Store, kind, ref string, langs []string) string {
		var v any
		var err error
		switch domain.Kind(kind) {
		case domain.KindOpportunity:
			v, err = s.Opportunity(ctx, ref, langs)
		case domain.KindIncentive:
			v, err = s.Incentive(ctx, ref, langs)
		default:
			v, err = s.Programme(ctx, ref, langs)
		}
		if err != nil {
			return "error: " + err.Error()
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	for _, r := range refs {
		for i, langs := range readerLangSets {
			ref := r.ID
			if i%2 == 1 {
				ref = r.Slug
			}
			if got, want := read(model, r.Kind, ref, langs), read(tables, r.Kind, ref, langs); got != want {
				t.Errorf("%s %s in %v:\n got %s\nwant %s", r.Kind, ref, langs, got, want)
			}
		}
	}
}

// TestReadModelRefreshKeepsTermsAndFacetsAsRebuilt changes items of every kind in the ways the
// write path does (a title, a sector, the example flag and a deadline, an archive, a publish)
// and refreshes them by id: the search postings (read_terms) and the facet counts
// (read_facets) must then equal what a rebuild of the whole kind gives.
func TestReadModelRefreshKeepsTermsAndFacetsAsRebuilt(t *testing.T) {
	db, _ := testdb.New(t)
	steps := []string{
		`UPDATE opportunity_translations SET title = 'Estaleiro naval e hotelaria ' || title
			WHERE opportunity_id = (SELECT id FROM opportunities WHERE status = 'published' ORDER BY id LIMIT 1)`,
		`DELETE FROM opportunity_sectors WHERE opportunity_id = (SELECT id FROM opportunities WHERE status = 'published' ORDER BY id OFFSET 1 LIMIT 1)`,
		`UPDATE opportunities SET illustrative = NOT illustrative, deadline = date '2030-01-01'
			WHERE id = (SELECT id FROM opportunities WHERE status = 'published' ORDER BY id OFFSET 2 LIMIT 1)`,
		`UPDATE opportunities SET status = 'archived' WHERE id = (SELECT id FROM opportunities WHERE status = 'published' ORDER BY id OFFSET 3 LIMIT 1)`,
		`UPDATE incentives SET status = 'archived' WHERE id = (SELECT id FROM incentives WHERE status = 'published' ORDER BY id LIMIT 1)`,
		`UPDATE programmes SET type = 'grant' WHERE id = (SELECT id FROM programmes WHERE status = 'published' ORDER BY id LIMIT 1)`,
		`UPDATE opportunities SET status = 'published', published_at = now() WHERE id = (SELECT id FROM opportunities WHERE status = 'draft' ORDER BY id LIMIT 1)`,
	}
	tx := db.MustBegin()
	defer tx.Rollback()
	for _, step := range steps {
		if _, err := tx.Exec(step); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// Every item is refreshed by id, as an edit refreshes its own (not the whole kind): the counts
	// of the old rows are taken off, those of the new ones added.
	for _, kind := range kinds {
		if _, err := tx.Exec(`SELECT read_model_refresh($1, ARRAY(SELECT id FROM `+string(kind)+`))`, string(kind)); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range kinds {
		var diff []string
		if err := tx.Select(&diff, `
			(SELECT 'kept but not rebuilt: ' || f::text FROM (SELECT * FROM read_facets WHERE kind = $1
				EXCEPT SELECT * FROM read_model_facet_counts($1, NULL)) f)
			UNION ALL (SELECT 'rebuilt but not kept: ' || f::text FROM (SELECT * FROM read_model_facet_counts($1, NULL)
				EXCEPT SELECT * FROM read_facets WHERE kind = $1) f)
			UNION ALL (SELECT 'kept but not rebuilt: ' || t::text FROM (SELECT * FROM read_terms WHERE kind = left($1, 1)::"char"
				EXCEPT SELECT * FROM read_model_terms($1, NULL)) t)
			UNION ALL (SELECT 'rebuilt but not kept: ' || t::text FROM (SELECT * FROM read_model_terms($1, NULL)
				EXCEPT SELECT * FROM read_terms WHERE kind = left($1, 1)::"char") t)
			LIMIT 10`, string(kind)); err != nil {
			t.Fatal(err)
		}
		for _, d := range diff {
			t.Errorf("%s: %s", kind, d)
		}
	}
}
