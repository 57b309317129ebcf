package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
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
	err := s.db.GetContext(ctx, &exists, sqlHasCatalogue)
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
		if _, err := tx.ExecContext(ctx, sqlSeedUpsertCurrency, c.Code, c.MinorUnits); err != nil {
			return fmt.Errorf("currency %s: %w", c.Code, err)
		}
	}
	for _, x := range r.ExchangeRates {
		if _, err := tx.ExecContext(ctx, sqlSeedUpsertExchangeRate,
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
	if _, err := tx.ExecContext(ctx, sqlSeedUpsertCountry,
		c.Code, c.Currency, c.SourceLang); err != nil {
		return fmt.Errorf("country: %w", err)
	}
	for _, lang := range sortedKeys(c.Text) {
		t := c.Text[lang]
		if _, err := tx.ExecContext(ctx, sqlSeedUpsertCountryText,
			c.Code, lang, t.Name, t.Summary); err != nil {
			return fmt.Errorf("country text %s: %w", lang, err)
		}
	}
	if _, err := tx.ExecContext(ctx, sqlSeedDeleteCountryTexts,
		c.Code, pq.Array(sortedKeys(c.Text))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, sqlSeedCountryLangs, c.Code, pq.Array(sortedKeys(c.Text))); err != nil {
		return err
	}
	for i, fact := range c.Facts {
		sources := fact.AllSources()
		srcTitle, srcURL := firstSource(sources)
		if _, err := tx.ExecContext(ctx, sqlSeedUpsertFact,
			c.Code, i+1, fact.Metric, fact.Value, fact.ValueMax, fact.Unit, fact.ResidenceCountry, fact.Year,
			srcTitle, srcURL, jsonOf(sources), jsonOf(orEmptyMap(fact.Definition)), jsonOf(orEmptyMap(fact.Note)),
			jsonOf(orEmptyList(fact.Alternatives)), nullDate(fact.AsOf), fact.Municipality); err != nil {
			return fmt.Errorf("fact %d (%s): %w", i+1, fact.Metric, err)
		}
	}
	if _, err := tx.ExecContext(ctx, sqlSeedDeleteFacts, c.Code, len(c.Facts)); err != nil {
		return err
	}
	for i, r := range c.Regions {
		if _, err := tx.ExecContext(ctx, sqlSeedUpsertRegion,
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
	return loadGuides(ctx, tx, c, f.Guides)
}

// loadOrganization writes an organization of country (nil: of none).
func loadOrganization(ctx context.Context, tx *sqlx.Tx, country *string, o seed.Organization) error {
	if _, err := tx.ExecContext(ctx, sqlSeedUpsertOrganization,
		SeedID(o.Slug), o.Slug, country, o.Name, o.Acronym, o.Type, o.Website, o.Verified); err != nil {
		return fmt.Errorf("organization %s: %w", o.Slug, err)
	}
	id, err := idBySlug(ctx, tx, sqlSeedOrganizationID, o.Slug)
	if err != nil {
		return err
	}
	if err := loadContacts(ctx, tx, id, o.Contacts); err != nil {
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
func rangeFields(r seed.InvestmentRange) (min, max, currency *string, err error) {
	min, cMin := moneyFields(r.MinInvestment)
	max, cMax := moneyFields(r.MaxInvestment)
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

// idBySlug is the id of the row with this slug (query is one of the sqlSeed…ID statements):
// the existing row's, whatever made it (an agency's content has a random id), or the id a new
// seed row gets.
func idBySlug(ctx context.Context, tx *sqlx.Tx, query, slug string) (string, error) {
	var id string
	err := tx.GetContext(ctx, &id, query, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return SeedID(slug), nil
	}
	return id, err
}

// seedItemColumns are what every kind's upsert writes alike from a seed item: its id and its
// organization's, its source language, its first source (the columns lists read) and all its
// sources, and its investment range (amounts and their one currency).
type seedItemColumns struct {
	id, org            string
	lang               string
	srcTitle, srcURL   *string
	sources            []byte
	min, max, currency *string
}

// seedItemColumnsOf reads an item's ids (idQuery: the sqlSeed…ID statement of its kind) and
// flattens its sources and investment range.
func seedItemColumnsOf(ctx context.Context, tx *sqlx.Tx, c seed.Country, idQuery string, it seed.Item, r seed.InvestmentRange) (x seedItemColumns, err error) {
	if x.id, err = idBySlug(ctx, tx, idQuery, it.Slug); err != nil {
		return x, err
	}
	if x.org, err = idBySlug(ctx, tx, sqlSeedOrganizationID, it.Organization); err != nil {
		return x, err
	}
	if x.min, x.max, x.currency, err = rangeFields(r); err != nil {
		return x, err
	}
	sources := it.AllSources()
	x.srcTitle, x.srcURL = firstSource(sources)
	x.sources, x.lang = jsonOf(sources), sourceLang(c, it)
	return x, nil
}

func loadIncentive(ctx context.Context, tx *sqlx.Tx, c seed.Country, it seed.Incentive) error {
	x, err := seedItemColumnsOf(ctx, tx, c, sqlSeedIncentiveID, it.Item, it.Eligibility.InvestmentRange)
	if err != nil {
		return err
	}
	id := x.id
	if _, err := tx.ExecContext(ctx, sqlSeedUpsertIncentive,
		id, it.Slug, c.Code, x.org, it.Type, it.Status, x.lang,
		it.LegalBasis.Instrument, it.LegalBasis.Article, it.LegalBasis.URL, it.ValidFrom, it.ValidUntil,
		strs(it.Eligibility.InvestorTypes), x.min, x.max, x.currency, it.Eligibility.MinJobs, it.Eligibility.ResidenceAbroad,
		it.Illustrative, x.srcTitle, x.srcURL, x.sources, nullDate(it.AsOf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, sqlDeleteBenefits, id); err != nil {
		return err
	}
	for i, b := range it.Benefits {
		amount, currency := moneyFields(b.Amount)
		if _, err := tx.ExecContext(ctx, sqlSeedAddBenefit,
			id, i+1, b.Kind, b.Tax, b.Percent, b.CapPercentOfTax, b.DurationYears, amount, currency,
			b.Rate, b.MinJobs, b.CarryForwardYears, b.Unverified); err != nil {
			return fmt.Errorf("benefit %d: %w", i+1, err)
		}
	}
	if err := replaceCodes(ctx, tx, &incentiveSQL, id, c.Code, it.Eligibility); err != nil {
		return err
	}
	return replaceTexts(ctx, tx, incentiveTexts, id, it.Text)
}

func loadProgramme(ctx context.Context, tx *sqlx.Tx, c seed.Country, p seed.Programme) error {
	x, err := seedItemColumnsOf(ctx, tx, c, sqlSeedProgrammeID, p.Item, p.Eligibility.InvestmentRange)
	if err != nil {
		return err
	}
	id := x.id
	maxAmount, maxCurrency := moneyFields(p.MaxAmount)
	operator := p.Operator
	if operator == "" {
		operator = p.Organization
	}
	operatorID, err := idBySlug(ctx, tx, sqlSeedOrganizationID, operator)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, sqlSeedUpsertProgramme,
		id, p.Slug, c.Code, x.org, operatorID, p.Type, p.Status, x.lang,
		p.URL, maxAmount, maxCurrency, p.ValidFrom, p.ValidUntil, strs(p.Eligibility.InvestorTypes),
		x.min, x.max, x.currency, p.Eligibility.MinJobs, p.Eligibility.ResidenceAbroad, p.Illustrative,
		x.srcTitle, x.srcURL, x.sources, nullDate(p.AsOf)); err != nil {
		return err
	}
	if err := replaceCodes(ctx, tx, &programmeSQL, id, c.Code, p.Eligibility); err != nil {
		return err
	}
	return replaceTexts(ctx, tx, programmeTexts, id, p.Text)
}

func loadOpportunity(ctx context.Context, tx *sqlx.Tx, c seed.Country, o seed.Opportunity) error {
	x, err := seedItemColumnsOf(ctx, tx, c, sqlSeedOpportunityID, o.Item, o.InvestmentRange)
	if err != nil {
		return err
	}
	id := x.id
	if _, err := tx.ExecContext(ctx, sqlSeedUpsertOpportunity,
		id, o.Slug, c.Code, x.org, o.Region, o.Instrument, o.Status, x.lang,
		x.min, x.max, x.currency, o.Jobs, o.Deadline, strs(o.InvestorTypes), o.Contact.Name, o.Contact.Email,
		o.Contact.Phone, o.Contact.URL, o.Illustrative, x.srcTitle, x.srcURL, x.sources, nullDate(o.AsOf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, opportunitySQL.deleteSectors, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, opportunitySQL.addSectors, id, strs(o.Sectors)); err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	for _, link := range []struct {
		remove, add, target string
		slugs               []string
	}{
		{sqlSeedDeleteIncentiveLinks, sqlSeedAddIncentiveLink, sqlSeedIncentiveID, o.Incentives},
		{sqlSeedDeleteProgrammeLinks, sqlSeedAddProgrammeLink, sqlSeedProgrammeID, o.Programmes},
	} {
		if _, err := tx.ExecContext(ctx, link.remove, id); err != nil {
			return err
		}
		for _, slug := range link.slugs {
			target, err := idBySlug(ctx, tx, link.target, slug)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, link.add, id, target); err != nil {
				return fmt.Errorf("link %s: %w", slug, err)
			}
		}
	}
	return replaceTexts(ctx, tx, opportunityTexts, id, o.Text)
}

// replaceCodes sets the sectors and regions an incentive or programme is limited to.
func replaceCodes(ctx context.Context, tx *sqlx.Tx, q *editorSQL, id, country string, e seed.Eligibility) error {
	for _, remove := range []string{q.deleteSectors, q.deleteRegions} {
		if _, err := tx.ExecContext(ctx, remove, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, q.addSectors, id, strs(e.Sectors)); err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	if _, err := tx.ExecContext(ctx, q.addRegions, id, country, strs(e.Regions)); err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	return nil
}

// seedTexts are the statements that write a kind's texts from a file.
type seedTexts struct {
	upsert, removeOthers string
	args                 func(id, lang string, t seed.Text) []any
}

var (
	opportunityTexts = seedTexts{opportunitySpec.statement("seed_upsert_text", seedUpsertText),
		opportunitySpec.statement("seed_delete_other_texts", seedDeleteOtherTexts),
		func(id, lang string, t seed.Text) []any { return []any{id, lang, t.Title, t.Summary, t.Description} }}
	incentiveTexts = seedTexts{incentiveSpec.statement("seed_upsert_text", seedUpsertText),
		incentiveSpec.statement("seed_delete_other_texts", seedDeleteOtherTexts),
		func(id, lang string, t seed.Text) []any { return []any{id, lang, t.Name, t.Summary, t.Description} }}
	programmeTexts = seedTexts{sqlSeedUpsertProgrammeText,
		programmeSpec.statement("seed_delete_other_texts", seedDeleteOtherTexts),
		func(id, lang string, t seed.Text) []any {
			return []any{id, lang, t.Name, t.Summary, t.Description, t.HowToApply}
		}}
)

// replaceTexts writes an item's translations (updating those that exist, so that unchanged
// ones keep their timestamps) and removes the languages the seed no longer has; the triggers
// then refresh the item's langs and search document.
func replaceTexts(ctx context.Context, tx *sqlx.Tx, q seedTexts, id string, texts map[string]seed.Text) error {
	if len(texts) == 0 {
		return fmt.Errorf("no text")
	}
	for _, lang := range sortedKeys(texts) {
		if _, err := tx.ExecContext(ctx, q.upsert, q.args(id, lang, texts[lang])...); err != nil {
			return fmt.Errorf("text %s: %w", lang, err)
		}
	}
	_, err := tx.ExecContext(ctx, q.removeOthers, id, pq.Array(sortedKeys(texts)))
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
