package repository

import (
	"strconv"
	"strings"
)

// The statements of the seed loader (seed.go), which loads content files: reference data,
// countries, organizations, and the three kinds of content matched by slug. A seed item is
// published when it is first loaded as published (or archived), and keeps that time on later
// loads, so the date says when the item appeared in this catalogue, not a date invented in a file.
// What is the same for the three kinds is written once for every kind (kindSpec.statement). The
// lists and texts of items reuse the editorial statements (editor_sql.go) where they are the same.
var (
	sqlHasCatalogue       = statement("has_catalogue", `SELECT EXISTS (SELECT 1 FROM countries)`)
	sqlSeedUpsertCurrency = statement("seed_upsert_currency", `
			INSERT INTO currencies (code, minor_units) VALUES ($1, $2)
			ON CONFLICT (code) DO UPDATE SET minor_units = EXCLUDED.minor_units`)
	sqlSeedUpsertExchangeRate = statement("seed_upsert_exchange_rate", `
			INSERT INTO exchange_rates (currency, as_of, per_eur, source) VALUES ($1, $2, $3, $4)
			ON CONFLICT (currency, as_of) DO UPDATE SET per_eur = EXCLUDED.per_eur, source = EXCLUDED.source`)
	sqlSeedUpsertCountry = statement("seed_upsert_country", `
		INSERT INTO countries (code, currency, source_lang) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET currency = EXCLUDED.currency, source_lang = EXCLUDED.source_lang, updated_at = now()`)
	sqlSeedUpsertCountryText = statement("seed_upsert_country_text", `
			INSERT INTO country_translations (country_code, lang, name, summary) VALUES ($1, $2, $3, $4)
			ON CONFLICT (country_code, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary, updated_at = now()`)
	sqlSeedDeleteCountryTexts = statement("seed_delete_country_texts", `DELETE FROM country_translations WHERE country_code = $1 AND NOT lang = ANY($2::text[])`)
	sqlSeedCountryLangs       = statement("seed_country_langs", `UPDATE countries SET langs = $2 WHERE code = $1`)
	sqlSeedUpsertFact         = statement("seed_upsert_fact", `
			INSERT INTO diaspora_facts (country_code, position, metric, value, value_max, unit, residence_country, year,
				source_title, source_url, sources, definition, note, alternatives, as_of, municipality)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (country_code, position) DO UPDATE SET metric = EXCLUDED.metric, value = EXCLUDED.value,
				value_max = EXCLUDED.value_max, unit = EXCLUDED.unit, residence_country = EXCLUDED.residence_country,
				municipality = EXCLUDED.municipality,
				year = EXCLUDED.year, source_title = EXCLUDED.source_title, source_url = EXCLUDED.source_url,
				sources = EXCLUDED.sources, definition = EXCLUDED.definition, note = EXCLUDED.note,
				alternatives = EXCLUDED.alternatives, as_of = EXCLUDED.as_of`)
	sqlSeedDeleteFacts  = statement("seed_delete_facts", `DELETE FROM diaspora_facts WHERE country_code = $1 AND position > $2`)
	sqlSeedUpsertRegion = statement("seed_upsert_region", `
			INSERT INTO regions (country_code, code, name, kind, position) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (country_code, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, position = EXCLUDED.position`)
	sqlSeedUpsertOrganization = statement("seed_upsert_organization", `
		INSERT INTO organizations (id, slug, country_code, name, acronym, type, website, verified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code, name = EXCLUDED.name,
			acronym = EXCLUDED.acronym, type = EXCLUDED.type, website = EXCLUDED.website,
			verified = EXCLUDED.verified, updated_at = now()`)
	sqlSeedUpsertIncentive = seedUpsert(incentiveSpec, "country_code, organization_id, type, status, source_lang, "+
		"legal_instrument, legal_article, legal_url, valid_from, valid_until, investor_types, "+
		"min_investment, max_investment, investment_currency, min_jobs, residence_abroad, "+
		"illustrative, source_title, source_url, sources, as_of")
	sqlSeedUpsertProgramme = seedUpsert(programmeSpec, "country_code, organization_id, operator_id, type, status, "+
		"source_lang, url, max_amount, max_amount_currency, valid_from, valid_until, investor_types, "+
		"min_investment, max_investment, investment_currency, min_jobs, residence_abroad, "+
		"illustrative, source_title, source_url, sources, as_of")
	sqlSeedUpsertOpportunity = seedUpsert(opportunitySpec, "country_code, organization_id, region_code, instrument, "+
		"status, source_lang, min_investment, max_investment, currency, jobs, deadline, "+
		"investor_types, contact_name, contact_email, contact_phone, contact_url, illustrative, "+
		"source_title, source_url, sources, as_of")
	sqlSeedAddBenefit = statement("seed_add_benefit", `
		INSERT INTO incentive_benefits (incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years,
			amount, currency, rate, min_jobs, carry_forward_years, unverified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`)
	sqlSeedDeleteIncentiveLinks = statement("seed_delete_incentive_links", `DELETE FROM opportunity_incentives WHERE opportunity_id = $1`)
	sqlSeedAddIncentiveLink     = statement("seed_add_incentive_link", `INSERT INTO opportunity_incentives (opportunity_id, incentive_id) VALUES ($1, $2)`)
	sqlSeedDeleteProgrammeLinks = statement("seed_delete_programme_links", `DELETE FROM opportunity_programmes WHERE opportunity_id = $1`)
	sqlSeedAddProgrammeLink     = statement("seed_add_programme_link", `INSERT INTO opportunity_programmes (opportunity_id, programme_id) VALUES ($1, $2)`)
	// The id of a row by slug, per table.
	sqlSeedOrganizationID = statement("seed_organization_id", `SELECT id FROM organizations WHERE slug = $1`)
	sqlSeedIncentiveID    = incentiveSpec.statement("seed_id", seedID)
	sqlSeedProgrammeID    = programmeSpec.statement("seed_id", seedID)
	sqlSeedOpportunityID  = opportunitySpec.statement("seed_id", seedID)
)

const seedID = `SELECT id FROM {table} WHERE slug = $1`

// seedUpsert is the statement that writes a seed item of a kind by its slug: $1 its id, $2 its
// slug, then columns (a comma-separated list, with status) in order. An item is published when
// it is first loaded as published (or archived), and keeps that time on later loads.
func seedUpsert(k kindSpec, columns string) string {
	names := strings.Split(columns, ", ")
	params := make([]string, len(names))
	sets := make([]string, len(names))
	status := ""
	for i, c := range names {
		params[i] = "$" + strconv.Itoa(i+3)
		sets[i] = c + " = EXCLUDED." + c
		if c == "status" {
			status = params[i]
		}
	}
	return k.statement("seed_upsert", `
		INSERT INTO {table} (id, slug, `+columns+`, published_at)
		VALUES ($1, $2, `+strings.Join(params, ", ")+`, CASE WHEN `+status+` IN ('published', 'archived') THEN now() END)
		ON CONFLICT (slug) DO UPDATE SET `+strings.Join(sets, ", ")+`,
			published_at = CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce({table}.published_at, now()) END,
			updated_at = now()`)
}

// The texts of a seed item: every language of the file written (the kinds whose text is a
// title, a summary and a description; a programme's has how to apply besides), and the
// languages the file no longer has removed ($2 the file's languages).
const (
	seedUpsertText = `
		INSERT INTO {kind}_translations ({kind}_id, lang, {title}, summary, description) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT ({kind}_id, lang) DO UPDATE SET {title} = EXCLUDED.{title}, summary = EXCLUDED.summary,
			description = EXCLUDED.description, updated_at = now()`
	seedDeleteOtherTexts = `DELETE FROM {kind}_translations WHERE {kind}_id = $1 AND NOT lang = ANY($2::text[])`
)

var sqlSeedUpsertProgrammeText = programmeSpec.statement("seed_upsert_text", `
		INSERT INTO programme_translations (programme_id, lang, name, summary, description, how_to_apply) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (programme_id, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,
			description = EXCLUDED.description, how_to_apply = EXCLUDED.how_to_apply, updated_at = now()`)
