package repository_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// conds builds the tests' own SQL for what a filter should select, written independently of the
// repository's (other operators, no eur_rate, amounts compared by cross-multiplication).
type conds struct {
	kind  domain.Kind
	where []string
	args  []any
}

func expect(kind domain.Kind) *conds { return &conds{kind: kind} }

// add appends a condition; each ? in it is bound to the next of args.
func (c *conds) add(cond string, args ...any) *conds {
	for _, a := range args {
		c.args = append(c.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(c.args)), 1)
	}
	c.where = append(c.where, "("+cond+")")
	return c
}

func (c *conds) scoped() bool { return c.kind != domain.KindOpportunity }

func (c *conds) country(code string) *conds { return c.add("c.country_code = ?", code) }

func (c *conds) sectors(codes ...string) *conds {
	k := kindTables[c.kind].singular
	has := fmt.Sprintf("c.id IN (SELECT %[1]s_id FROM %[1]s_sectors WHERE sector_code = ANY(?))", k)
	if c.scoped() { // no sector listed: it applies to every sector
		has = fmt.Sprintf("c.id NOT IN (SELECT %[1]s_id FROM %[1]s_sectors) OR ", k) + has
	}
	return c.add(has, pq.Array(codes))
}

func (c *conds) region(code string) *conds {
	if !c.scoped() {
		return c.add("c.region_code = ?", code)
	}
	k := kindTables[c.kind].singular
	return c.add(fmt.Sprintf(`c.id NOT IN (SELECT %[1]s_id FROM %[1]s_regions)
		OR c.id IN (SELECT %[1]s_id FROM %[1]s_regions WHERE region_code = ?)`, k), code)
}

func (c *conds) typ(code string) *conds {
	return c.add("c."+kindTables[c.kind].typeCol+" = ?", code)
}

func (c *conds) investorType(code string) *conds {
	return c.add("c.investor_types = '{}' OR c.investor_types @> ARRAY[?::text]", code)
}

// amounts: the item's range overlaps [min, max] (either may be ""), both compared in euros at
// the latest rate of each currency.
func (c *conds) amounts(min, max, currency string) *conds {
	rate := func(col string) string {
		return "(SELECT r.per_eur FROM exchange_rates r WHERE r.currency = " + col + " ORDER BY r.as_of DESC LIMIT 1)"
	}
	cur := "c." + kindTables[c.kind].curCol
	if max != "" {
		c.add("c.min_investment IS NULL OR c.min_investment * "+rate("?::char(3)")+" <= ?::numeric * "+rate(cur), currency, max)
	}
	if min != "" {
		c.add("c.max_investment IS NULL OR c.max_investment * "+rate("?::char(3)")+" >= ?::numeric * "+rate(cur), currency, min)
	}
	return c
}

// ids runs the conditions: the sorted ids of the published items they select.
func (c *conds) ids(t *testing.T, db *sqlx.DB) []string {
	t.Helper()
	where := append([]string{"c.status = 'published'"}, c.where...)
	return sqlIDs(t, db, `SELECT c.id::text FROM `+kindTables[c.kind].table+` c WHERE `+strings.Join(where, " AND "), c.args...)
}

// checkFilter lists f to the end and compares it with the independent SQL.
func checkFilter(t *testing.T, s *repository.Store, names map[string]string, kind domain.Kind, f domain.ListFilter, want *conds) []item {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = 4
	}
	got := listAll(t, s, kind, f)
	sameIDs(t, names, fmt.Sprintf("%s %s", kind, describe(f)), idsOf(got), want.ids(t, s.DB()))
	return got
}

func describe(f domain.ListFilter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("country", f.Country)
	add("sectors", strings.Join(f.Sectors, ","))
	add("region", f.Region)
	add("type", f.Type)
	add("investor_type", f.InvestorType)
	add("min", f.MinAmount)
	add("max", f.MaxAmount)
	add("currency", f.Currency)
	add("q", f.Query)
	return "{" + strings.Join(parts, " ") + "}"
}

func TestFilterByCountry(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	var countries []string
	if err := db.Select(&countries, `SELECT code FROM countries ORDER BY code`); err != nil {
		t.Fatal(err)
	}
	if len(countries) < 2 {
		t.Fatalf("the seed changed: countries %v", countries)
	}
	for _, kind := range kinds {
		total := 0
		for _, code := range append(countries, "ZZ") {
			got := checkFilter(t, s, names, kind, domain.ListFilter{Country: code, Langs: langs}, expect(kind).country(code))
			total += len(got)
			for _, it := range got {
				if it.Status != domain.StatusPublished {
					t.Errorf("%s %s is %s", kind, it.Slug, it.Status)
				}
			}
		}
		// The countries partition the list.
		if all := listAll(t, s, kind, domain.ListFilter{Limit: 50}); len(all) != total {
			t.Errorf("%s: %d in all, %d summed over countries", kind, len(all), total)
		}
	}
}

func TestFilterBySectorsAnyOf(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	sets := [][]string{{"tourism", "ict"}, {"renewable_energy", "agribusiness", "health"}, domain.Sectors.Codes}
	for _, code := range domain.Sectors.Codes {
		sets = append(sets, []string{code})
	}
	for _, kind := range kinds {
		for _, set := range sets {
			checkFilter(t, s, names, kind, domain.ListFilter{Sectors: set}, expect(kind).sectors(set...))
			checkFilter(t, s, names, kind, domain.ListFilter{Country: "CV", Sectors: set}, expect(kind).country("CV").sectors(set...))
		}
		// Any-of: the union of the single-sector lists.
		union := map[string]bool{}
		for _, code := range []string{"tourism", "ict"} {
			for _, it := range listAll(t, s, kind, domain.ListFilter{Limit: 50, Sectors: []string{code}}) {
				union[it.ID] = true
			}
		}
		if both := listAll(t, s, kind, domain.ListFilter{Limit: 50, Sectors: []string{"tourism", "ict"}}); len(both) != len(union) {
			t.Errorf("%s: tourism or ict lists %d, the union of each is %d", kind, len(both), len(union))
		}
	}
	// An incentive or programme limited to no sector applies to all: it is listed under any.
	for _, kind := range []domain.Kind{domain.KindIncentive, domain.KindProgramme} {
		k := kindTables[kind]
		unrestricted := sqlIDs(t, db, fmt.Sprintf(`SELECT c.id::text FROM %[1]s c WHERE c.status = 'published'
			AND NOT EXISTS (SELECT 1 FROM %[2]s_sectors s WHERE s.%[2]s_id = c.id)`, k.table, k.singular))
		restricted := sqlIDs(t, db, fmt.Sprintf(`SELECT DISTINCT s.%[1]s_id::text FROM %[1]s_sectors s`, k.singular))
		if len(unrestricted) == 0 || len(restricted) == 0 {
			t.Fatalf("the seed changed: %d %s with no sector, %d with some", len(unrestricted), kind, len(restricted))
		}
		for _, code := range domain.Sectors.Codes {
			got := idsOf(listAll(t, s, kind, domain.ListFilter{Limit: 50, Sectors: []string{code}}))
			for _, id := range unrestricted {
				if !slices.Contains(got, id) {
					t.Errorf("%s %s, open to every sector, is not listed under %s", kind, name(names, id), code)
				}
			}
		}
	}
}

func TestFilterByRegion(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	var regions []struct {
		Country string `db:"country_code"`
		Code    string `db:"code"`
	}
	if err := db.Select(&regions, `SELECT country_code, code FROM regions ORDER BY country_code, position`); err != nil {
		t.Fatal(err)
	}
	for _, kind := range kinds {
		nonEmpty := 0
		for _, r := range regions {
			got := checkFilter(t, s, names, kind, domain.ListFilter{Country: r.Country, Region: r.Code},
				expect(kind).country(r.Country).region(r.Code))
			if len(got) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty == 0 {
			t.Errorf("%s: no region lists anything", kind)
		}
	}
	// An incentive or programme limited to no region applies everywhere in its country.
	for _, kind := range []domain.Kind{domain.KindIncentive, domain.KindProgramme} {
		k := kindTables[kind]
		unrestricted := sqlIDs(t, db, fmt.Sprintf(`SELECT c.id::text FROM %[1]s c WHERE c.status = 'published'
			AND c.country_code = 'CV' AND NOT EXISTS (SELECT 1 FROM %[2]s_regions x WHERE x.%[2]s_id = c.id)`, k.table, k.singular))
		if len(unrestricted) == 0 {
			t.Fatalf("the seed changed: no CV %s without regions", kind)
		}
		for _, r := range regions {
			if r.Country != "CV" {
				continue
			}
			got := idsOf(listAll(t, s, kind, domain.ListFilter{Limit: 50, Country: "CV", Region: r.Code}))
			for _, id := range unrestricted {
				if !slices.Contains(got, id) {
					t.Errorf("%s %s, open to every region, is not listed under %s", kind, name(names, id), r.Code)
				}
			}
		}
	}
}

// Without a country, a region still belongs to one: an incentive or programme open to "every
// region" of another country does not apply in it.
func TestFilterByRegionWithoutCountryKeepsToTheRegionsCountry(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for _, kind := range kinds {
		for _, region := range []string{"sal", "sao_vicente", "saint_louis", "visayas"} {
			var exists bool
			if err := db.Get(&exists, `SELECT EXISTS (SELECT 1 FROM regions WHERE code = $1)`, region); err != nil || !exists {
				t.Fatalf("the seed changed: region %s: %v", region, err)
			}
			want := expect(kind).region(region).add("c.country_code IN (SELECT country_code FROM regions WHERE code = ?)", region)
			checkFilter(t, s, names, kind, domain.ListFilter{Region: region}, want)
		}
	}
}

func TestFilterByType(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for kind, set := range map[domain.Kind]domain.CodeSet{
		domain.KindOpportunity: domain.Instruments,
		domain.KindIncentive:   domain.IncentiveTypes,
		domain.KindProgramme:   domain.ProgrammeTypes,
	} {
		nonEmpty := 0
		for _, code := range append(slices.Clone(set.Codes), "bribe") {
			if got := checkFilter(t, s, names, kind, domain.ListFilter{Type: code}, expect(kind).typ(code)); len(got) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 2 {
			t.Errorf("the seed changed: %s of only %d types", kind, nonEmpty)
		}
	}
}

func TestFilterByInvestorType(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for _, kind := range kinds {
		table := kindTables[kind].table
		open := sqlIDs(t, db, `SELECT id::text FROM `+table+` WHERE status = 'published' AND investor_types = '{}'`)
		for _, code := range append(slices.Clone(domain.InvestorTypes.Codes), "martian") {
			got := idsOf(checkFilter(t, s, names, kind, domain.ListFilter{InvestorType: code}, expect(kind).investorType(code)))
			// An item open to every investor type is listed under each.
			for _, id := range open {
				if !slices.Contains(got, id) {
					t.Errorf("%s %s is open to all but not listed for %s", kind, name(names, id), code)
				}
			}
		}
	}
	var open int
	if err := db.Get(&open, `SELECT count(*) FROM incentives WHERE status = 'published' AND investor_types = '{}'`); err != nil || open == 0 {
		t.Errorf("the seed changed: no incentive open to every investor type (%v)", err)
	}
}

func TestFilterByInvestmentRange(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for _, r := range []struct{ min, max, currency string }{
		{"0", "1000", "EUR"},
		{"1000", "100000", "EUR"},
		{"100000", "500000", "EUR"},
		{"500000", "", "EUR"},
		{"", "50000", "EUR"},
		{"2000000", "", "EUR"},
		{"0", "5000000", "CVE"},
		{"20000000", "60000000", "CVE"},
		{"10000000", "20000000", "XOF"},
		{"0", "300000", "USD"},
		{"15000", "", "MDL"},
	} {
		for _, kind := range kinds {
			f := domain.ListFilter{MinAmount: r.min, MaxAmount: r.max, Currency: r.currency}
			checkFilter(t, s, names, kind, f, expect(kind).amounts(r.min, r.max, r.currency))
		}
	}
}

// An opportunity priced in escudos is found by a euro range that reaches its range at the peg
// of 110.265 CVE per EUR, and not by one that stops a cent short.
func TestFilterByInvestmentRangeConvertsEscudos(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	var rows []struct {
		ID     string `db:"id"`
		Slug   string `db:"slug"`
		Peg    bool   `db:"peg"`
		MinCVE string `db:"min_cve"`
		Below  string `db:"below_min_cve"`
		// The euro equivalents of its bounds, to the cent that still reaches them, and the
		// next cent that no longer does.
		MinUp     string `db:"min_eur_up"`
		BelowMin  string `db:"below_min_eur"`
		MaxDown   string `db:"max_eur_down"`
		AboveMax  string `db:"above_max_eur"`
		AboveMax2 string `db:"above_max_eur_plus"`
		MaxDown2  string `db:"max_eur_down_plus"`
	}
	if err := db.Select(&rows, `
		SELECT c.id::text, c.slug, r.per_eur = 110.265 AS peg,
			c.min_investment::text AS min_cve, (c.min_investment - 0.01)::text AS below_min_cve,
			(ceil(c.min_investment / r.per_eur * 100) / 100)::numeric(20, 2)::text AS min_eur_up,
			(ceil(c.min_investment / r.per_eur * 100) / 100 - 0.01)::numeric(20, 2)::text AS below_min_eur,
			(floor(c.max_investment / r.per_eur * 100) / 100)::numeric(20, 2)::text AS max_eur_down,
			(floor(c.max_investment / r.per_eur * 100) / 100 + 0.01)::numeric(20, 2)::text AS above_max_eur,
			(floor(c.max_investment / r.per_eur * 100) / 100 + 1000.01)::numeric(20, 2)::text AS above_max_eur_plus,
			(floor(c.max_investment / r.per_eur * 100) / 100 + 1000)::numeric(20, 2)::text AS max_eur_down_plus
		FROM opportunities c
		JOIN LATERAL (SELECT per_eur FROM exchange_rates x WHERE x.currency = c.currency ORDER BY as_of DESC LIMIT 1) r ON true
		WHERE c.status = 'published' AND c.currency = 'CVE' AND c.min_investment > 0 AND c.max_investment IS NOT NULL
		ORDER BY c.min_investment`); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("the seed changed: no published opportunity priced in CVE")
	}
	found := func(id string, f domain.ListFilter) bool {
		f.Limit = 50
		return slices.Contains(idsOf(listAll(t, s, domain.KindOpportunity, f)), id)
	}
	for _, o := range rows {
		if !o.Peg {
			t.Fatalf("the CVE rate is not the peg of 110.265 per EUR")
		}
		for _, c := range []struct {
			min, max, currency string
			want               bool
		}{
			{"0", o.MinUp, "EUR", true},             // reaches its minimum
			{"0", o.BelowMin, "EUR", false},         // a cent short of it
			{o.MaxDown, o.MaxDown2, "EUR", true},    // starts at its maximum
			{o.AboveMax, o.AboveMax2, "EUR", false}, // starts a cent above it
			{o.BelowMin, o.AboveMax, "EUR", true},   // covers it
			{"", o.MinCVE, "CVE", true},             // in its own currency
			{"", o.Below, "CVE", false},
		} {
			f := domain.ListFilter{MinAmount: c.min, MaxAmount: c.max, Currency: c.currency}
			if got := found(o.ID, f); got != c.want {
				t.Errorf("%s (from %s CVE, ≈ %s–%s EUR) in %s–%s %s: found %v, want %v",
					o.Slug, o.MinCVE, o.MinUp, o.MaxDown, c.min, c.max, c.currency, got, c.want)
			}
		}
	}
}

func TestFiltersCombine(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for _, kind := range kinds {
		for _, c := range []struct {
			f    domain.ListFilter
			want *conds
		}{
			{domain.ListFilter{Country: "CV", Sectors: []string{"tourism", "real_estate"}, InvestorType: "foreign"},
				expect(kind).country("CV").sectors("tourism", "real_estate").investorType("foreign")},
			{domain.ListFilter{Country: "CV", Region: "sal", InvestorType: "diaspora", MinAmount: "100000", Currency: "EUR"},
				expect(kind).country("CV").region("sal").investorType("diaspora").amounts("100000", "", "EUR")},
			{domain.ListFilter{Country: "CV", Type: "greenfield", Sectors: []string{"tourism"}, MaxAmount: "500000", Currency: "EUR"},
				expect(kind).country("CV").typ("greenfield").sectors("tourism").amounts("", "500000", "EUR")},
			{domain.ListFilter{Type: "tax", InvestorType: "diaspora", Sectors: []string{"ict"}},
				expect(kind).typ("tax").investorType("diaspora").sectors("ict")},
		} {
			c.f.Limit = 2
			checkFilter(t, s, names, kind, c.f, c.want)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Facets
// ---------------------------------------------------------------------------------------------

func TestFacetCountsMatchTheirLists(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	var regions []struct {
		Country string `db:"country_code"`
		Code    string `db:"code"`
	}
	if err := db.Select(&regions, `SELECT country_code, code FROM regions ORDER BY code`); err != nil {
		t.Fatal(err)
	}
	var regionCodes []string
	countryRegions := map[string][]string{}
	for _, r := range regions {
		if !slices.Contains(regionCodes, r.Code) {
			regionCodes = append(regionCodes, r.Code)
		}
		countryRegions[r.Country] = append(countryRegions[r.Country], r.Code)
	}
	types := map[domain.Kind]domain.CodeSet{
		domain.KindOpportunity: domain.Instruments,
		domain.KindIncentive:   domain.IncentiveTypes,
		domain.KindProgramme:   domain.ProgrammeTypes,
	}
	bases := []domain.ListFilter{
		{},
		{Country: "CV"},
		{Country: "CV", InvestorType: "diaspora"},
		{MinAmount: "100000", Currency: "EUR"},
		{Query: "investimento", SearchLangs: langs},
	}
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			for _, base := range bases {
				f := base
				f.Facets = domain.FacetNames
				f.Limit = 1
				_, _, facets := listPage(t, s, kind, f)
				for _, facet := range domain.FacetNames {
					universe := map[string][]string{"sector": domain.Sectors.Codes, "region": regionCodes, "type": types[kind].Codes}[facet]
					if base.Country != "" && facet == "region" {
						universe = countryRegions[base.Country]
					}
					counted := map[string]int{}
					for _, row := range facets[facet] {
						if _, dup := counted[row.Code]; dup {
							t.Errorf("%s %s: %s facet lists %s twice", kind, describe(base), facet, row.Code)
						}
						counted[row.Code] = row.Count
						if row.Count <= 0 {
							t.Errorf("%s %s: %s facet %s counts %d", kind, describe(base), facet, row.Code, row.Count)
						}
						if !slices.Contains(universe, row.Code) {
							t.Errorf("%s %s: %s facet has unknown code %s", kind, describe(base), facet, row.Code)
						}
					}
					var wrong []string
					for _, code := range universe {
						g := base
						g.Limit = 50
						switch facet {
						case "sector":
							g.Sectors = []string{code}
						case "region":
							g.Region = code
						case "type":
							g.Type = code
						}
						if n := len(listAll(t, s, kind, g)); n != counted[code] {
							wrong = append(wrong, fmt.Sprintf("%s: facet %d, list %d", code, counted[code], n))
						}
					}
					if len(wrong) > 0 {
						t.Errorf("%s %s: the %s facet disagrees with the list filtered by each %s (%d of %d codes): %s",
							kind, describe(base), facet, facet, len(wrong), len(universe), strings.Join(wrong, "; "))
					}
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Keyset pagination
// ---------------------------------------------------------------------------------------------

func TestKeysetPagingIsStableUnderInserts(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	f := domain.ListFilter{Limit: 3, Langs: []string{"en"}}
	before := idsOf(listAll(t, s, domain.KindOpportunity, f))
	if len(before) < 3*3 {
		t.Fatalf("the seed changed: only %d opportunities", len(before))
	}

	// Read two pages.
	var walked []string
	for range 2 {
		items, next, _ := listPage(t, s, domain.KindOpportunity, f)
		walked = append(walked, idsOf(items)...)
		if next == nil {
			t.Fatal("the list ended early")
		}
		f.After = next
	}
	cursor := f.After

	// Insert, between two page reads: a newer opportunity, an older one, and two published at
	// the very time of the cursor's item, one sorting before it and one after.
	var org string
	if err := db.Get(&org, `SELECT organization_id::text FROM opportunities WHERE country_code = 'CV' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var newest, oldest time.Time
	if err := db.QueryRow(`SELECT max(published_at) + interval '1 day', min(published_at) - interval '1 day' FROM opportunities`).Scan(&newest, &oldest); err != nil {
		t.Fatal(err)
	}
	inserted := map[string]struct {
		id string
		at time.Time
	}{
		"newest":     {"9a000000-0000-4000-8000-000000000001", newest},
		"oldest":     {"9a000000-0000-4000-8000-000000000002", oldest},
		"tie-before": {"ffffffff-ffff-4fff-bfff-ffffffffffff", cursor.PublishedAt},
		"tie-after":  {"00000000-0000-4000-8000-000000000001", cursor.PublishedAt},
	}
	for label, in := range inserted {
		slug := "keyset-test-" + label
		if _, err := db.Exec(`INSERT INTO opportunities (id, slug, country_code, organization_id, status, source_lang, published_at)
			VALUES ($1, $2, 'CV', $3, 'published', 'en', $4)`, in.id, slug, org, in.at); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description)
			VALUES ($1, 'en', $2, '', '')`, in.id, "Inserted "+label); err != nil {
			t.Fatal(err)
		}
		names[in.id] = "opportunity/" + slug
		// Written around the use cases, so the read model is refreshed here as they do.
		if err := repository.RefreshReadModel(context.Background(), db, domain.KindOpportunity, in.id); err != nil {
			t.Fatal(err)
		}
	}

	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("cursor loop")
		}
		items, next, _ := listPage(t, s, domain.KindOpportunity, f)
		walked = append(walked, idsOf(items)...)
		if next == nil {
			break
		}
		f.After = next
	}

	// The walk is what was read, then exactly what sorted after the cursor when it went on.
	var rest []string
	if err := db.Select(&rest, `SELECT id::text FROM opportunities WHERE status = 'published'
		AND (published_at, id) < ($1, $2::uuid) ORDER BY published_at DESC, id DESC`, cursor.PublishedAt, cursor.ID); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(walked[:6]), rest...)
	if !slices.Equal(walked, want) {
		t.Errorf("walk %v\nwant %v", walked, want)
	}
	count := map[string]int{}
	for _, id := range walked {
		count[id]++
	}
	for _, id := range before {
		if count[id] != 1 {
			t.Errorf("%s seen %d times in the walk", name(names, id), count[id])
		}
	}
	for label, wantSeen := range map[string]int{"newest": 0, "tie-before": 0, "oldest": 1, "tie-after": 1} {
		if got := count[inserted[label].id]; got != wantSeen {
			t.Errorf("the %s insert is seen %d times, want %d", label, got, wantSeen)
		}
	}
	if len(walked) != len(before)+2 {
		t.Errorf("walked %d items, %d before the inserts", len(walked), len(before))
	}
}
