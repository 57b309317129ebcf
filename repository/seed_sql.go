package repository

// The statements of the seed loader (seed.go), which loads content files: reference data,
// countries, organizations, and the three kinds of content matched by slug. A seed item is
// published when it is first loaded as published (or archived), and keeps that time on later
// loads, so the date says when the item appeared in this catalogue, not a date invented in a
// file. The lists and texts of items reuse the editorial statements (editor_sql.go) where
// they are the same.
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
	sqlSeedUpsertIncentive = statement("seed_upsert_incentive", `
		INSERT INTO incentives (id, slug, country_code, organization_id, type, status, source_lang,
			legal_instrument, legal_article, legal_url, valid_from, valid_until, investor_types,
			min_investment, max_investment, investment_currency, min_jobs, residence_abroad,
			illustrative, source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			CASE WHEN $6 IN ('published', 'archived') THEN now() END)
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
			published_at = CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce(incentives.published_at, now()) END, updated_at = now()`)
	sqlSeedUpsertProgramme = statement("seed_upsert_programme", `
		INSERT INTO programmes (id, slug, country_code, organization_id, operator_id, type, status,
			source_lang, url, max_amount, max_amount_currency, valid_from, valid_until, investor_types,
			min_investment, max_investment, investment_currency, min_jobs, residence_abroad,
			illustrative, source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			$24, CASE WHEN $7 IN ('published', 'archived') THEN now() END)
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
			published_at = CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce(programmes.published_at, now()) END, updated_at = now()`)
	sqlSeedUpsertOpportunity = statement("seed_upsert_opportunity", `
		INSERT INTO opportunities (id, slug, country_code, organization_id, region_code, instrument,
			status, source_lang, min_investment, max_investment, currency, jobs, deadline,
			investor_types, contact_name, contact_email, contact_phone, contact_url, illustrative,
			source_title, source_url, sources, as_of, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			CASE WHEN $7 IN ('published', 'archived') THEN now() END)
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
			published_at = CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce(opportunities.published_at, now()) END, updated_at = now()`)
	sqlSeedAddBenefit = statement("seed_add_benefit", `
		INSERT INTO incentive_benefits (incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years,
			amount, currency, rate, min_jobs, carry_forward_years, unverified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`)
	sqlSeedDeleteIncentiveLinks  = statement("seed_delete_incentive_links", `DELETE FROM opportunity_incentives WHERE opportunity_id = $1`)
	sqlSeedAddIncentiveLink      = statement("seed_add_incentive_link", `INSERT INTO opportunity_incentives (opportunity_id, incentive_id) VALUES ($1, $2)`)
	sqlSeedDeleteProgrammeLinks  = statement("seed_delete_programme_links", `DELETE FROM opportunity_programmes WHERE opportunity_id = $1`)
	sqlSeedAddProgrammeLink      = statement("seed_add_programme_link", `INSERT INTO opportunity_programmes (opportunity_id, programme_id) VALUES ($1, $2)`)
	sqlSeedUpsertOpportunityText = statement("seed_upsert_opportunity_text", `
		INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (opportunity_id, lang) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,
			description = EXCLUDED.description, updated_at = now()`)
	sqlSeedUpsertIncentiveText = statement("seed_upsert_incentive_text", `
		INSERT INTO incentive_translations (incentive_id, lang, name, summary, description) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (incentive_id, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,
			description = EXCLUDED.description, updated_at = now()`)
	sqlSeedUpsertProgrammeText = statement("seed_upsert_programme_text", `
		INSERT INTO programme_translations (programme_id, lang, name, summary, description, how_to_apply) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (programme_id, lang) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,
			description = EXCLUDED.description, how_to_apply = EXCLUDED.how_to_apply, updated_at = now()`)
	sqlSeedDeleteOpportunityTexts = statement("seed_delete_opportunity_texts",
		`DELETE FROM opportunity_translations WHERE opportunity_id = $1 AND NOT lang = ANY($2::text[])`)
	sqlSeedDeleteIncentiveTexts = statement("seed_delete_incentive_texts",
		`DELETE FROM incentive_translations WHERE incentive_id = $1 AND NOT lang = ANY($2::text[])`)
	sqlSeedDeleteProgrammeTexts = statement("seed_delete_programme_texts",
		`DELETE FROM programme_translations WHERE programme_id = $1 AND NOT lang = ANY($2::text[])`)
	// The id of a row by slug, per table.
	sqlSeedOrganizationID = statement("seed_organization_id", `SELECT id FROM organizations WHERE slug = $1`)
	sqlSeedIncentiveID    = statement("seed_incentive_id", `SELECT id FROM incentives WHERE slug = $1`)
	sqlSeedProgrammeID    = statement("seed_programme_id", `SELECT id FROM programmes WHERE slug = $1`)
	sqlSeedOpportunityID  = statement("seed_opportunity_id", `SELECT id FROM opportunities WHERE slug = $1`)
)
