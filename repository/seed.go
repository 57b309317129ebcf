package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/seed"
)

// seedNamespace derives stable ids from slugs, so that the same seed item has the same id on
// every machine and a second load updates instead of duplicating.
var seedNamespace = uuid.MustParse("6f1c3a52-7d0e-4b8e-9a51-2c4d8e0f1a77")

// SeedID is the id a seed item with this slug gets.
func SeedID(slug string) string { return uuid.NewSHA1(seedNamespace, []byte(slug)).String() }

// HasCatalogue reports whether any country is loaded (a fresh database has none).
func (s *Store) HasCatalogue(ctx context.Context) (bool, error) {
	var exists bool
	err := s.db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM countries)`)
	return exists, err
}

// LoadSeed writes the seed content in one transaction. It is idempotent: rows are matched by
// code or slug and updated in place; an item's translations, sectors, regions, benefits and
// links are replaced by the seed's.
//
// Content that fails seed.Check (no source or as_of, an example outside the example
// organization, a disputed fact shown as settled, a link to an incentive the opportunity cannot
// get…) is refused whole, before anything is written.
func (s *Store) LoadSeed(ctx context.Context, c *seed.Content) error {
	if err := c.Check(time.Now()); err != nil {
		return fmt.Errorf("seed: refused: %w", err)
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := loadReference(ctx, tx, c.Reference); err != nil {
			return err
		}
		for _, f := range c.Countries {
			if err := loadCountry(ctx, tx, f, true); err != nil {
				return fmt.Errorf("seed %s: %w", f.Name, err)
			}
		}
		return RefreshReadModelAll(ctx, tx)
	})
}

func loadReference(ctx context.Context, tx *sqlx.Tx, r seed.Reference) error {
	for _, o := range r.Organizations {
		if err := loadOrganization(ctx, tx, nil, o); err != nil {
			return err
		}
	}
	for _, c := range r.Currencies {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO currencies (code, minor_units) VALUES ($1, $2)
			ON CONFLICT (code) DO UPDATE SET minor_units = EXCLUDED.minor_units`, c.Code, c.MinorUnits); err != nil {
			return fmt.Errorf("currency %s: %w", c.Code, err)
		}
	}
	for _, x := range r.ExchangeRates {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO exchange_rates (currency, as_of, per_eur, source) VALUES ($1, $2, $3, $4)
			ON CONFLICT (currency, as_of) DO UPDATE SET per_eur = EXCLUDED.per_eur, source = EXCLUDED.source`,
			x.Currency, x.AsOf, x.PerEUR, x.Source); err != nil {
			return fmt.Errorf("exchange rate %s: %w", x.Currency, err)
		}
	}
	return nil
}

// loadCountry writes a country file; header false leaves the country's own row, texts, facts
// and regions as they are (an import that changes only some items).
func loadCountry(ctx context.Context, tx *sqlx.Tx, f seed.CountryFile, header bool) error {
	c := f.Country
	if header {
		if err := loadCountryHeader(ctx, tx, c); err != nil {
			return err
		}
	}
	return loadCountryItems(ctx, tx, f)
}

func loadCountryHeader(ctx context.Context, tx *sqlx.Tx, c seed.Country) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO countries (code, currency, source_lang) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET currency = EXCLUDED.currency, source_lang = EXCLUDED.source_lang, updated_at = now()`,
		c.Code, c.Currency, c.SourceLang); err != nil {
		return fmt.Errorf("country: %w", err)
	}
	for _, lang := range sortedKeys(c.Text) {
		t := c.Text[lang]
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO country_translations (country_code, lang, name, summary) VALUES ($1, $2, $3, $4)
			ON CONFLICT (country_code, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary, updated_at = now()`,
			c.Code, lang, t.Name, t.Summary); err != nil {
			return fmt.Errorf("country text %s: %w", lang, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM country_translations WHERE country_code = $1 AND NOT lang = ANY($2::text[])`,
		c.Code, pq.Array(sortedKeys(c.Text))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE countries SET langs = $2 WHERE code = $1`, c.Code, pq.Array(sortedKeys(c.Text))); err != nil {
		return err
	}
	for i, fact := range c.Facts {
		sources := seed.Sources(fact.Source, fact.Sources)
		srcTitle, srcURL := firstSource(sources)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO diaspora_facts (country_code, position, metric, value, value_max, unit, residence_country, year,
				source_title, source_url, sources, definition, note, alternatives, as_of)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (country_code, position) DO UPDATE SET metric = EXCLUDED.metric, value = EXCLUDED.value,
				value_max = EXCLUDED.value_max, unit = EXCLUDED.unit, residence_country = EXCLUDED.residence_country,
				year = EXCLUDED.year, source_title = EXCLUDED.source_title, source_url = EXCLUDED.source_url,
				sources = EXCLUDED.sources, definition = EXCLUDED.definition, note = EXCLUDED.note,
				alternatives = EXCLUDED.alternatives, as_of = EXCLUDED.as_of`,
			c.Code, i+1, fact.Metric, fact.Value, fact.ValueMax, fact.Unit, fact.ResidenceCountry, fact.Year,
			srcTitle, srcURL, jsonOf(sources), jsonOf(orEmptyMap(fact.Definition)), jsonOf(orEmptyMap(fact.Note)),
			jsonOf(orEmptyList(fact.Alternatives)), nullDate(fact.AsOf)); err != nil {
			return fmt.Errorf("fact %d (%s): %w", i+1, fact.Metric, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM diaspora_facts WHERE country_code = $1 AND position > $2`, c.Code, len(c.Facts)); err != nil {
		return err
	}
	for i, r := range c.Regions {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO regions (country_code, code, name, kind, position) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (country_code, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, position = EXCLUDED.position`,
			c.Code, r.Code, r.Name, r.Kind, i+1); err != nil {
			return fmt.Errorf("region %s: %w", r.Code, err)
		}
	}
	return nil
}

func loadCountryItems(ctx context.Context, tx *sqlx.Tx, f seed.CountryFile) error {
	c := f.Country
	for _, o := range f.Organizations {
		if err := loadOrganization(ctx, tx, &c.Code, o); err != nil {
			return err
		}
	}
	for _, it := range f.Incentives {
		if err := loadIncentive(ctx, tx, c, it); err != nil {
			return fmt.Errorf("incentive %s: %w", it.Slug, err)
		}
	}
	for _, p := range f.Programmes {
		if err := loadProgramme(ctx, tx, c, p); err != nil {
			return fmt.Errorf("programme %s: %w", p.Slug, err)
		}
	}
	for _, o := range f.Opportunities {
		if err := loadOpportunity(ctx, tx, c, o); err != nil {
			return fmt.Errorf("opportunity %s: %w", o.Slug, err)
		}
	}
	return nil
}

// loadOrganization writes an organization of country (nil: of none).
func loadOrganization(ctx context.Context, tx *sqlx.Tx, country *string, o seed.Organization) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO organizations (id, slug, country_code, name, acronym, type, website, verified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code, name = EXCLUDED.name,
			acronym = EXCLUDED.acronym, type = EXCLUDED.type, website = EXCLUDED.website,
			verified = EXCLUDED.verified, updated_at = now()`,
		SeedID(o.Slug), o.Slug, country, o.Name, o.Acronym, o.Type, o.Website, o.Verified); err != nil {
		return fmt.Errorf("organization %s: %w", o.Slug, err)
	}
	return nil
}

func sourceLang(c seed.Country, it seed.Item) string {
	if it.SourceLang != "" {
		return it.SourceLang
	}
	return c.SourceLang
}

// sourceFields are an item's first source (the columns lists read) and all its sources.
func sourceFields(it seed.Item) (title, url *string, all []byte) {
	sources := it.AllSources()
	title, url = firstSource(sources)
	return title, url, jsonOf(sources)
}

func firstSource(sources []seed.Source) (title, url *string) {
	if len(sources) == 0 {
		return nil, nil
	}
	return &sources[0].Title, &sources[0].URL
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only seed structs of plain fields are marshalled
	}
	return b
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func orEmptyList[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

func nullDate(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func moneyFields(m *seed.Money) (amount, currency *string) {
	if m == nil {
		return nil, nil
	}
	return &m.Amount, &m.Currency
}

// rangeFields flattens an investment range into amounts and their one currency.
func rangeFields(minimum, maximum *seed.Money) (min, max, currency *string, err error) {
	min, cMin := moneyFields(minimum)
	max, cMax := moneyFields(maximum)
	currency = cMin
	if currency == nil {
		currency = cMax
	}
	if cMin != nil && cMax != nil && *cMin != *cMax {
		return nil, nil, nil, fmt.Errorf("min and max investment in different currencies")
	}
	return min, max, currency, nil
}

func strs(list []string) pq.StringArray {
	if list == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(list)
}

// idBySlug is the id of the row of table (never user input) with this slug: the existing
// row's, whatever made it (an agency's content has a random id), or the id a new seed row gets.
func idBySlug(ctx context.Context, tx *sqlx.Tx, table, slug string) (string, error) {
	var id string
	err := tx.GetContext(ctx, &id, `SELECT id FROM `+table+` WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return SeedID(slug), nil
	}
	return id, err
}

// publishedOnLoad is when a seed item is published here: when it is first loaded as published
// (or archived), $6 being its status (another parameter number is substituted where the
// status is elsewhere). A later load keeps that time (keepPublished), so the date
// says when the item appeared in this catalogue, not a date invented in a file.
const publishedOnLoad = `CASE WHEN $6 IN ('published', 'archived') THEN now() END`

// keepPublished keeps the first publication time of a reloaded item; an item that becomes
// published later gets the load time then, and a draft has none.
func keepPublished(table string) string {
	return `CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce(` + table + `.published_at, now()) END`
}

func loadIncentive(ctx context.Context, tx *sqlx.Tx, c seed.Country, it seed.Incentive) error {
	id, err := idBySlug(ctx, tx, "incentives", it.Slug)
	if err != nil {
		return err
	}
	org, err := idBySlug(ctx, tx, "organizations", it.Organization)
	if err != nil {
		return err
	}
	min, max, cur, err := rangeFields(it.Eligibility.MinInvestment, it.Eligibility.MaxInvestment)
	if err != nil {
		return err
	}
	srcTitle, srcURL, sources := sourceFields(it.Item)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO incentives (id, slug, country_code, organization_id, type, status, source_lang,
			legal_instrument, legal_article, legal_url, valid_from, valid_until, investor_types,
			min_investment, max_investment, investment_currency, min_jobs, residence_abroad,
			illustrative, source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			`+publishedOnLoad+`)
		ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code,
			organization_id = EXCLUDED.organization_id, type = EXCLUDED.type, status = EXCLUDED.status,
			source_lang = EXCLUDED.source_lang, legal_instrument = EXCLUDED.legal_instrument,
			legal_article = EXCLUDED.legal_article, legal_url = EXCLUDED.legal_url,
			valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,
			investor_types = EXCLUDED.investor_types, min_investment = EXCLUDED.min_investment,
			max_investment = EXCLUDED.max_investment, investment_currency = EXCLUDED.investment_currency,
			min_jobs = EXCLUDED.min_jobs, residence_abroad = EXCLUDED.residence_abroad,
			illustrative = EXCLUDED.illustrative, source_title = EXCLUDED.source_title,
			source_url = EXCLUDED.source_url, sources = EXCLUDED.sources, as_of = EXCLUDED.as_of,
			published_at = `+keepPublished("incentives")+`, updated_at = now()`,
		id, it.Slug, c.Code, org, it.Type, it.Status, sourceLang(c, it.Item),
		it.LegalBasis.Instrument, it.LegalBasis.Article, it.LegalBasis.URL, it.ValidFrom, it.ValidUntil,
		strs(it.Eligibility.InvestorTypes), min, max, cur, it.Eligibility.MinJobs, it.Eligibility.ResidenceAbroad,
		it.Illustrative, srcTitle, srcURL, sources, nullDate(it.AsOf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM incentive_benefits WHERE incentive_id = $1`, id); err != nil {
		return err
	}
	for i, b := range it.Benefits {
		amount, currency := moneyFields(b.Amount)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO incentive_benefits (incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years,
				amount, currency, rate, min_jobs, carry_forward_years, unverified)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, i+1, b.Kind, b.Tax, b.Percent, b.CapPercentOfTax, b.DurationYears, amount, currency,
			b.Rate, b.MinJobs, b.CarryForwardYears, b.Unverified); err != nil {
			return fmt.Errorf("benefit %d: %w", i+1, err)
		}
	}
	if err := replaceCodes(ctx, tx, "incentive", id, c.Code, it.Eligibility); err != nil {
		return err
	}
	return replaceTexts(ctx, tx, "incentive", id, it.Text)
}

func loadProgramme(ctx context.Context, tx *sqlx.Tx, c seed.Country, p seed.Programme) error {
	id, err := idBySlug(ctx, tx, "programmes", p.Slug)
	if err != nil {
		return err
	}
	min, max, cur, err := rangeFields(p.Eligibility.MinInvestment, p.Eligibility.MaxInvestment)
	if err != nil {
		return err
	}
	maxAmount, maxCurrency := moneyFields(p.MaxAmount)
	srcTitle, srcURL, sources := sourceFields(p.Item)
	operator := p.Operator
	if operator == "" {
		operator = p.Organization
	}
	org, err := idBySlug(ctx, tx, "organizations", p.Organization)
	if err != nil {
		return err
	}
	operatorID, err := idBySlug(ctx, tx, "organizations", operator)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO programmes (id, slug, country_code, organization_id, operator_id, type, status,
			source_lang, url, max_amount, max_amount_currency, valid_from, valid_until, investor_types,
			min_investment, max_investment, investment_currency, min_jobs, residence_abroad,
			illustrative, source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			$24, `+strings.Replace(publishedOnLoad, "$6", "$7", 1)+`)
		ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code,
			organization_id = EXCLUDED.organization_id, operator_id = EXCLUDED.operator_id,
			type = EXCLUDED.type, status = EXCLUDED.status, source_lang = EXCLUDED.source_lang,
			url = EXCLUDED.url, max_amount = EXCLUDED.max_amount,
			max_amount_currency = EXCLUDED.max_amount_currency, valid_from = EXCLUDED.valid_from,
			valid_until = EXCLUDED.valid_until, investor_types = EXCLUDED.investor_types,
			min_investment = EXCLUDED.min_investment, max_investment = EXCLUDED.max_investment,
			investment_currency = EXCLUDED.investment_currency, min_jobs = EXCLUDED.min_jobs,
			residence_abroad = EXCLUDED.residence_abroad, illustrative = EXCLUDED.illustrative,
			source_title = EXCLUDED.source_title, source_url = EXCLUDED.source_url,
			sources = EXCLUDED.sources, as_of = EXCLUDED.as_of,
			published_at = `+keepPublished("programmes")+`, updated_at = now()`,
		id, p.Slug, c.Code, org, operatorID, p.Type, p.Status, sourceLang(c, p.Item),
		p.URL, maxAmount, maxCurrency, p.ValidFrom, p.ValidUntil, strs(p.Eligibility.InvestorTypes),
		min, max, cur, p.Eligibility.MinJobs, p.Eligibility.ResidenceAbroad, p.Illustrative,
		srcTitle, srcURL, sources, nullDate(p.AsOf)); err != nil {
		return err
	}
	if err := replaceCodes(ctx, tx, "programme", id, c.Code, p.Eligibility); err != nil {
		return err
	}
	return replaceTexts(ctx, tx, "programme", id, p.Text)
}

func loadOpportunity(ctx context.Context, tx *sqlx.Tx, c seed.Country, o seed.Opportunity) error {
	id, err := idBySlug(ctx, tx, "opportunities", o.Slug)
	if err != nil {
		return err
	}
	org, err := idBySlug(ctx, tx, "organizations", o.Organization)
	if err != nil {
		return err
	}
	min, max, currency, err := rangeFields(o.MinInvestment, o.MaxInvestment)
	if err != nil {
		return err
	}
	srcTitle, srcURL, sources := sourceFields(o.Item)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO opportunities (id, slug, country_code, organization_id, region_code, instrument,
			status, source_lang, min_investment, max_investment, currency, jobs, deadline,
			investor_types, contact_name, contact_email, contact_phone, contact_url, illustrative,
			source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			`+strings.Replace(publishedOnLoad, "$6", "$7", 1)+`)
		ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code,
			organization_id = EXCLUDED.organization_id, region_code = EXCLUDED.region_code,
			instrument = EXCLUDED.instrument, status = EXCLUDED.status, source_lang = EXCLUDED.source_lang,
			min_investment = EXCLUDED.min_investment, max_investment = EXCLUDED.max_investment,
			currency = EXCLUDED.currency, jobs = EXCLUDED.jobs, deadline = EXCLUDED.deadline,
			investor_types = EXCLUDED.investor_types, contact_name = EXCLUDED.contact_name,
			contact_email = EXCLUDED.contact_email, contact_phone = EXCLUDED.contact_phone,
			contact_url = EXCLUDED.contact_url, illustrative = EXCLUDED.illustrative,
			source_title = EXCLUDED.source_title, source_url = EXCLUDED.source_url,
			sources = EXCLUDED.sources, as_of = EXCLUDED.as_of,
			published_at = `+keepPublished("opportunities")+`, updated_at = now()`,
		id, o.Slug, c.Code, org, o.Region, o.Instrument, o.Status, sourceLang(c, o.Item),
		min, max, currency, o.Jobs, o.Deadline, strs(o.InvestorTypes), o.Contact.Name, o.Contact.Email,
		o.Contact.Phone, o.Contact.URL, o.Illustrative, srcTitle, srcURL, sources, nullDate(o.AsOf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM opportunity_sectors WHERE opportunity_id = $1`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO opportunity_sectors (opportunity_id, sector_code) SELECT $1, unnest($2::text[])`,
		id, strs(o.Sectors)); err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	for _, link := range []struct {
		table, column, target string
		slugs                 []string
	}{{"opportunity_incentives", "incentive_id", "incentives", o.Incentives}, {"opportunity_programmes", "programme_id", "programmes", o.Programmes}} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+link.table+` WHERE opportunity_id = $1`, id); err != nil {
			return err
		}
		for _, slug := range link.slugs {
			target, err := idBySlug(ctx, tx, link.target, slug)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+link.table+` (opportunity_id, `+link.column+`) VALUES ($1, $2)`,
				id, target); err != nil {
				return fmt.Errorf("link %s: %w", slug, err)
			}
		}
	}
	return replaceTexts(ctx, tx, "opportunity", id, o.Text)
}

// replaceCodes sets the sectors and regions an incentive or programme is limited to.
// kind is "incentive" or "programme", never user input.
func replaceCodes(ctx context.Context, tx *sqlx.Tx, kind, id, country string, e seed.Eligibility) error {
	for _, table := range []string{kind + "_sectors", kind + "_regions"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+kind+`_id = $1`, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+kind+`_sectors (`+kind+`_id, sector_code) SELECT $1, unnest($2::text[])`,
		id, strs(e.Sectors)); err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+kind+`_regions (`+kind+`_id, country_code, region_code) SELECT $1, $2, unnest($3::text[])`,
		id, country, strs(e.Regions)); err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	return nil
}

// replaceTexts writes an item's translations (updating those that exist, so that unchanged
// ones keep their timestamps) and removes the languages the seed no longer has; the triggers
// then refresh the item's langs and search document.
func replaceTexts(ctx context.Context, tx *sqlx.Tx, kind, id string, texts map[string]seed.Text) error {
	if len(texts) == 0 {
		return fmt.Errorf("no text")
	}
	for _, lang := range sortedKeys(texts) {
		t := texts[lang]
		var err error
		switch kind {
		case "opportunity":
			_, err = tx.ExecContext(ctx, `
				INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (opportunity_id, lang) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,
					description = EXCLUDED.description, updated_at = now()`,
				id, lang, t.Title, t.Summary, t.Description)
		case "incentive":
			_, err = tx.ExecContext(ctx, `
				INSERT INTO incentive_translations (incentive_id, lang, name, summary, description) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (incentive_id, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,
					description = EXCLUDED.description, updated_at = now()`,
				id, lang, t.Name, t.Summary, t.Description)
		case "programme":
			_, err = tx.ExecContext(ctx, `
				INSERT INTO programme_translations (programme_id, lang, name, summary, description, how_to_apply) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (programme_id, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,
					description = EXCLUDED.description, how_to_apply = EXCLUDED.how_to_apply, updated_at = now()`,
				id, lang, t.Name, t.Summary, t.Description, t.HowToApply)
		}
		if err != nil {
			return fmt.Errorf("text %s: %w", lang, err)
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM `+kind+`_translations WHERE `+kind+`_id = $1 AND NOT lang = ANY($2::text[])`,
		id, pq.Array(sortedKeys(texts)))
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
