package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// pickTranslation is a lateral subquery choosing, for the row aliased c, the translation in
// the first of the reader's languages ($langs) it exists in, else in its source language.
// join is the condition tying a translation t to c, e.g. "t.country_code = c.code".
func pickTranslation(table, join, langsParam string) string {
	return `LEFT JOIN LATERAL (
		SELECT t.* FROM ` + table + ` t WHERE ` + join + `
		ORDER BY array_position(` + langsParam + `::text[], t.lang::text), (t.lang = c.source_lang) DESC, t.lang
		LIMIT 1) tr ON true`
}

// countrySelect reads countries ($1: the reader's languages) with the counts of their public
// content, as the default lists show it: examples only when shown ($2), open opportunities
// only when closed ones are hidden ($3).
const countrySelect = `
	SELECT c.code, c.currency, c.source_lang, c.langs, tr.lang, tr.name, tr.summary,
		coalesce(o.n, 0) AS opportunities, coalesce(i.n, 0) AS incentives, coalesce(p.n, 0) AS programmes
	FROM countries c
	LEFT JOIN (SELECT country_code, count(*) AS n FROM opportunities
		WHERE status = 'published' AND (NOT illustrative OR $2)
			AND (NOT $3 OR deadline IS NULL OR deadline >= (now() AT TIME ZONE 'UTC')::date)
		GROUP BY country_code) o ON o.country_code = c.code
	LEFT JOIN (SELECT country_code, count(*) AS n FROM incentives WHERE status = 'published' AND (NOT illustrative OR $2)
		GROUP BY country_code) i ON i.country_code = c.code
	LEFT JOIN (SELECT country_code, count(*) AS n FROM programmes WHERE status = 'published' AND (NOT illustrative OR $2)
		GROUP BY country_code) p ON p.country_code = c.code
	LEFT JOIN LATERAL (
		SELECT t.* FROM country_translations t WHERE t.country_code = c.code
		ORDER BY array_position($1::text[], t.lang::text), (t.lang = c.source_lang) DESC, t.lang
		LIMIT 1) tr ON true`

var (
	sqlCountries = statement("countries", countrySelect+`
	ORDER BY c.code`)
	sqlCountry = statement("country", countrySelect+`
	WHERE c.code = $4`)
	sqlCountryFacts = statement("country_facts", `
	SELECT metric, value::text, value_max::text, unit, residence_country, municipality, year, definition, note, sources,
		alternatives, as_of
	FROM diaspora_facts WHERE country_code = $1 ORDER BY position`)
	sqlCountryOrganizations = statement("country_organizations", `
	SELECT id, name, acronym, type, website, verified FROM organizations
	WHERE country_code = $1 AND verified ORDER BY name, id`)
	sqlRegions = statement("regions", `
	SELECT country_code, code, name, kind FROM regions WHERE country_code = $1 ORDER BY position, code`)
	sqlCountryExists     = statement("country_exists", `SELECT EXISTS (SELECT 1 FROM countries WHERE code = $1)`)
	sqlRegionExists      = statement("region_exists", `SELECT EXISTS (SELECT 1 FROM regions WHERE code = $2 AND ($1 = '' OR country_code = $1))`)
	sqlCurrencyConverted = statement("currency_convertible", `SELECT eur_rate($1) IS NOT NULL`)
)

// countryColumns are where countrySelect's columns go in a country.
func countryColumns(c *domain.Country) []any {
	return []any{&c.Code, &c.Currency, &c.SourceLang, pq.Array(&c.Langs), &c.Lang, &c.Name, &c.Summary,
		&c.Counts.Opportunities, &c.Counts.Incentives, &c.Counts.Programmes}
}

// Countries lists every origin country, in the reader's languages.
func (s *Store) Countries(ctx context.Context, langs []string) ([]domain.Country, error) {
	var out []domain.Country
	if err := scanInto(ctx, s.reads, &out, countryColumns, sqlCountries, pq.Array(langs), s.examples, s.hideClosed); err != nil {
		return nil, err
	}
	return out, nil
}

// CountryDetail is a country with its facts, regions and verified organizations.
type CountryDetail = domain.CountryDetail

// Country reads one country; ErrNotFound when the code is unknown.
func (s *Store) Country(ctx context.Context, code string, langs []string) (*CountryDetail, error) {
	country, err := scanOne(ctx, s.reads, countryColumns, sqlCountry, pq.Array(langs), s.examples, s.hideClosed, code)
	if err != nil {
		return nil, err
	}
	d := &CountryDetail{Country: *country}
	if d.Facts, err = countryFacts(ctx, s.reads, code); err != nil {
		return nil, err
	}
	if d.Regions, err = s.Regions(ctx, code); err != nil {
		return nil, err
	}
	if d.Organizations, err = s.countryOrganizations(ctx, code); err != nil {
		return nil, err
	}
	return d, nil
}

// countryFacts reads a country's facts in their order, with q: the catalogue's reads, or the
// export's transaction (in an import, the facts about to be committed).
func countryFacts(ctx context.Context, q sqlx.QueryerContext, code string) ([]domain.Fact, error) {
	var out []domain.Fact
	if err := scanInto(ctx, q, &out, factColumns, sqlCountryFacts, code); err != nil {
		return nil, fmt.Errorf("facts of %s: %w", code, err)
	}
	return out, nil
}

// factColumns are where sqlCountryFacts' columns go in a fact.
func factColumns(f *domain.Fact) []any {
	return []any{&f.Metric, &f.Value, &f.ValueMax, &f.Unit, &f.ResidenceCountry, &f.Municipality, &f.Year,
		jsonColumn(&f.Definition), jsonColumn(&f.Note), sourcesColumn(&f.Sources), jsonColumn(&f.Alternatives), &f.AsOf}
}

// countryOrganizations reads a country's verified organizations by name.
func (s *Store) countryOrganizations(ctx context.Context, code string) ([]domain.Organization, error) {
	var out []domain.Organization
	if err := scanInto(ctx, s.reads, &out, func(o *domain.Organization) []any {
		return []any{&o.ID, &o.Name, &o.Acronym, &o.Type, &o.Website, &o.Verified}
	}, sqlCountryOrganizations, code); err != nil {
		return nil, err
	}
	return out, nil
}

// Regions lists a country's regions in their usual order.
func (s *Store) Regions(ctx context.Context, country string) ([]domain.Region, error) {
	var rows []struct {
		Country string `db:"country_code"`
		Code    string `db:"code"`
		Name    string `db:"name"`
		Kind    string `db:"kind"`
	}
	if err := sqlx.SelectContext(ctx, s.reads, &rows, sqlRegions, country); err != nil {
		return nil, err
	}
	out := make([]domain.Region, len(rows))
	for i, r := range rows {
		out[i] = domain.Region(r)
	}
	return out, nil
}

// CountryExists reports whether the catalogue has this origin country.
func (s *Store) CountryExists(ctx context.Context, code string) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, s.reads, &ok, sqlCountryExists, code)
	return ok, err
}

// RegionExists reports whether a region code exists, in country when it is given.
func (s *Store) RegionExists(ctx context.Context, country, code string) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, s.reads, &ok, sqlRegionExists, country, code)
	return ok, err
}

// CurrencyConvertible reports whether amounts in currency can be compared, that is whether
// an exchange rate to the euro is known for it.
func (s *Store) CurrencyConvertible(ctx context.Context, currency string) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, s.reads, &ok, sqlCurrencyConverted, currency)
	return ok, err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DetailSQL is the statement and arguments of a published item's detail in langs, as the API
// runs it from the read model: for benchmarks that give the database's own figure (pgbench).
func DetailSQL(kind domain.Kind, langs []string, idOrSlug string) (string, []any) {
	return readDetailSQL(kind, domain.ListFilter{Langs: langs}, idOrSlug)
}
