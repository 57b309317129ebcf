package repository

import "github.com/diaspora-investor/marketplace/domain"

// The statements of the editorial write path, written out whole for each kind of content: the
// three kinds have their own tables (opportunities, incentives, programmes) with their own
// columns, so each gets its own readable set rather than one assembled from table names.

// editorSQL is the statement set of one kind.
type editorSQL struct {
	lockByID, lockBySlug      string // $1 id or slug; what the rules need, locked
	accessByID, accessBySlug  string // the same, unlocked
	sourceByID, sourceBySlug  string // $1 id or slug; the source language
	snapshot                  string // $1 id, $2 language (NULL: none); as the audit trail records it
	bumpVersion               string // $1 id
	insert                    namedStatement
	update                    namedStatement // set_<column> says whether <column> is written
	validity                  string         // incentives and programmes: see validityWindowHolds
	transition                string         // $1 id, $2 status, $3 action, $4 reason
	remove                    string         // $1 id
	editorial, translations   string         // $1 id
	deleteSectors, addSectors string         // $1 id, $2 sector codes
	deleteRegions, addRegions string         // $1 id, $2 country, $3 region codes (scoped kinds)
	currentText, upsertText   string         // $1 id, $2 language, then title, summary, description, author[, how to apply]
	sourceChanged             string         // $1 id
	deleteText                string         // $1 id, $2 language
}

func sqlOf(kind domain.Kind) *editorSQL {
	switch kind {
	case domain.KindIncentive:
		return &incentiveSQL
	case domain.KindProgramme:
		return &programmeSQL
	}
	return &opportunitySQL
}

const lockedColumns = `c.id, c.organization_id, o.verified, c.country_code, c.status, c.source_lang, c.version`

// The slug of a new item: its title, lower case without accents, with a random suffix that
// makes it unique.
const newSlug = `concat_ws('-', nullif(trim(both '-' from left(regexp_replace(lower(unaccent(:title)), '[^a-z0-9]+', '-', 'g'), 80)), ''),
		substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))`

var opportunitySQL = editorSQL{
	lockByID: statement("opportunity_lock_by_id", `SELECT `+lockedColumns+`
		FROM opportunities c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid FOR UPDATE OF c`),
	lockBySlug: statement("opportunity_lock_by_slug", `SELECT `+lockedColumns+`
		FROM opportunities c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1 FOR UPDATE OF c`),
	accessByID: statement("opportunity_access_by_id", `SELECT `+lockedColumns+`
		FROM opportunities c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid`),
	accessBySlug: statement("opportunity_access_by_slug", `SELECT `+lockedColumns+`
		FROM opportunities c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1`),
	sourceByID:   statement("opportunity_source_lang_by_id", `SELECT source_lang FROM opportunities WHERE id = $1::uuid`),
	sourceBySlug: statement("opportunity_source_lang_by_slug", `SELECT source_lang FROM opportunities WHERE slug = $1`),
	snapshot: statement("opportunity_snapshot", `
		SELECT (to_jsonb(c) - ARRAY['id', 'search_document', 'langs', 'created_at', 'updated_at', 'version', 'source_changed_at'])
			|| jsonb_build_object('sectors', ARRAY(SELECT sector_code FROM opportunity_sectors s WHERE s.opportunity_id = c.id ORDER BY sector_code))
			|| coalesce((SELECT to_jsonb(t) - ARRAY['opportunity_id', 'lang', 'created_at', 'updated_at', 'updated_by']
				FROM opportunity_translations t WHERE t.opportunity_id = c.id AND t.lang = $2), '{}')
		FROM opportunities c WHERE c.id = $1`),
	bumpVersion: statement("opportunity_bump_version", `UPDATE opportunities SET version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`),
	insert: named("opportunity_insert", `
		INSERT INTO opportunities (slug, country_code, organization_id, source_lang, region_code, instrument,
			min_investment, max_investment, currency, jobs, deadline, investor_types,
			contact_name, contact_email, contact_phone, contact_url, source_title, source_url)
		VALUES (`+newSlug+`, :country_code, :organization_id, :source_lang, :region_code, :instrument,
			:min_investment, :max_investment, :currency, :jobs, :deadline, coalesce(:investor_types::text[], '{}'),
			:contact_name, :contact_email, :contact_phone, :contact_url, :source_title, :source_url)
		RETURNING id`),
	update: named("opportunity_update", `
		UPDATE opportunities SET
			region_code    = CASE WHEN :set_region_code THEN :region_code ELSE region_code END,
			instrument     = CASE WHEN :set_instrument THEN :instrument ELSE instrument END,
			min_investment = CASE WHEN :set_min_investment THEN :min_investment ELSE min_investment END,
			max_investment = CASE WHEN :set_max_investment THEN :max_investment ELSE max_investment END,
			currency       = CASE WHEN :set_currency THEN :currency ELSE currency END,
			jobs           = CASE WHEN :set_jobs THEN :jobs ELSE jobs END,
			deadline       = CASE WHEN :set_deadline THEN :deadline ELSE deadline END,
			investor_types = CASE WHEN :set_investor_types THEN :investor_types ELSE investor_types END,
			contact_name   = CASE WHEN :set_contact_name THEN :contact_name ELSE contact_name END,
			contact_email  = CASE WHEN :set_contact_email THEN :contact_email ELSE contact_email END,
			contact_phone  = CASE WHEN :set_contact_phone THEN :contact_phone ELSE contact_phone END,
			contact_url    = CASE WHEN :set_contact_url THEN :contact_url ELSE contact_url END,
			source_title   = CASE WHEN :set_source_title THEN :source_title ELSE source_title END,
			source_url     = CASE WHEN :set_source_url THEN :source_url ELSE source_url END
		WHERE id = :id`),
	transition: statement("opportunity_transition", `
		UPDATE opportunities SET status = $2,
			submitted_at = CASE $3 WHEN 'submit' THEN now() WHEN 'reject' THEN NULL ELSE submitted_at END,
			published_at = CASE $3 WHEN 'publish' THEN coalesce(published_at, now()) ELSE published_at END,
			review_note  = CASE $3 WHEN 'reject' THEN $4 WHEN 'archive' THEN review_note ELSE NULL END
		WHERE id = $1`),
	remove: statement("opportunity_delete", `DELETE FROM opportunities WHERE id = $1`),
	editorial: statement("opportunity_editorial", `
		SELECT version, status, review_note, submitted_at, created_at, as_of FROM opportunities WHERE id = $1`),
	translations: statement("opportunity_translations", `
		SELECT t.lang, t.updated_at, t.updated_by, u.display_name,
			(t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
		FROM opportunity_translations t JOIN opportunities c ON c.id = t.opportunity_id
		LEFT JOIN users u ON u.id = t.updated_by
		WHERE t.opportunity_id = $1 ORDER BY t.lang = c.source_lang DESC, t.lang`),
	deleteSectors: statement("opportunity_delete_sectors", `DELETE FROM opportunity_sectors WHERE opportunity_id = $1`),
	addSectors: statement("opportunity_add_sectors", `INSERT INTO opportunity_sectors (opportunity_id, sector_code)
		SELECT $1, unnest($2::text[])`),
	currentText: statement("opportunity_current_text", `SELECT title, summary, description, '' AS how_to_apply
		FROM opportunity_translations WHERE opportunity_id = $1 AND lang = $2`),
	upsertText: statement("opportunity_upsert_text", `
		INSERT INTO opportunity_translations AS t (opportunity_id, lang, title, summary, description, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (opportunity_id, lang) DO UPDATE SET (title, summary, description, updated_by, updated_at) =
			(EXCLUDED.title, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.updated_by, now())
		WHERE (t.title, t.summary, t.description) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.description)
		RETURNING xmax = 0`),
	sourceChanged: statement("opportunity_source_changed", `UPDATE opportunities SET source_changed_at = now() WHERE id = $1`),
	deleteText:    statement("opportunity_delete_text", `DELETE FROM opportunity_translations WHERE opportunity_id = $1 AND lang = $2`),
}

var incentiveSQL = editorSQL{
	lockByID: statement("incentive_lock_by_id", `SELECT `+lockedColumns+`
		FROM incentives c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid FOR UPDATE OF c`),
	lockBySlug: statement("incentive_lock_by_slug", `SELECT `+lockedColumns+`
		FROM incentives c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1 FOR UPDATE OF c`),
	accessByID: statement("incentive_access_by_id", `SELECT `+lockedColumns+`
		FROM incentives c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid`),
	accessBySlug: statement("incentive_access_by_slug", `SELECT `+lockedColumns+`
		FROM incentives c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1`),
	sourceByID:   statement("incentive_source_lang_by_id", `SELECT source_lang FROM incentives WHERE id = $1::uuid`),
	sourceBySlug: statement("incentive_source_lang_by_slug", `SELECT source_lang FROM incentives WHERE slug = $1`),
	snapshot: statement("incentive_snapshot", `
		SELECT (to_jsonb(c) - ARRAY['id', 'search_document', 'langs', 'created_at', 'updated_at', 'version', 'source_changed_at'])
			|| jsonb_build_object(
				'sectors', ARRAY(SELECT sector_code FROM incentive_sectors s WHERE s.incentive_id = c.id ORDER BY sector_code),
				'regions', ARRAY(SELECT region_code FROM incentive_regions r WHERE r.incentive_id = c.id ORDER BY region_code),
				'benefits', (SELECT coalesce(jsonb_agg(to_jsonb(b) - 'incentive_id' ORDER BY b.position), '[]')
					FROM incentive_benefits b WHERE b.incentive_id = c.id))
			|| coalesce((SELECT to_jsonb(t) - ARRAY['incentive_id', 'lang', 'created_at', 'updated_at', 'updated_by']
				FROM incentive_translations t WHERE t.incentive_id = c.id AND t.lang = $2), '{}')
		FROM incentives c WHERE c.id = $1`),
	bumpVersion: statement("incentive_bump_version", `UPDATE incentives SET version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`),
	insert: named("incentive_insert", `
		INSERT INTO incentives (slug, country_code, organization_id, source_lang, type, legal_instrument, legal_article,
			legal_url, valid_from, valid_until, investor_types, min_investment, max_investment, investment_currency,
			min_jobs, residence_abroad, source_title, source_url)
		VALUES (`+newSlug+`, :country_code, :organization_id, :source_lang, :type, :legal_instrument, :legal_article,
			:legal_url, :valid_from, :valid_until, coalesce(:investor_types::text[], '{}'), :min_investment, :max_investment, :investment_currency,
			:min_jobs, :residence_abroad, :source_title, :source_url)
		RETURNING id`),
	update: named("incentive_update", `
		UPDATE incentives SET
			type                = CASE WHEN :set_type THEN :type ELSE type END,
			legal_instrument    = CASE WHEN :set_legal_instrument THEN :legal_instrument ELSE legal_instrument END,
			legal_article       = CASE WHEN :set_legal_article THEN :legal_article ELSE legal_article END,
			legal_url           = CASE WHEN :set_legal_url THEN :legal_url ELSE legal_url END,
			valid_from          = CASE WHEN :set_valid_from THEN :valid_from ELSE valid_from END,
			valid_until         = CASE WHEN :set_valid_until THEN :valid_until ELSE valid_until END,
			investor_types      = CASE WHEN :set_investor_types THEN :investor_types ELSE investor_types END,
			min_investment      = CASE WHEN :set_min_investment THEN :min_investment ELSE min_investment END,
			max_investment      = CASE WHEN :set_max_investment THEN :max_investment ELSE max_investment END,
			investment_currency = CASE WHEN :set_investment_currency THEN :investment_currency ELSE investment_currency END,
			min_jobs            = CASE WHEN :set_min_jobs THEN :min_jobs ELSE min_jobs END,
			residence_abroad    = CASE WHEN :set_residence_abroad THEN :residence_abroad ELSE residence_abroad END,
			source_title        = CASE WHEN :set_source_title THEN :source_title ELSE source_title END,
			source_url          = CASE WHEN :set_source_url THEN :source_url ELSE source_url END
		WHERE id = :id`),
	validity: statement("incentive_validity_holds", `
		SELECT u IS NULL OR f IS NULL OR u >= f FROM (
			SELECT CASE WHEN $2 THEN $3::date ELSE valid_until END AS u, CASE WHEN $4 THEN $5::date ELSE valid_from END AS f
			FROM incentives WHERE id = $1) w`),
	transition: statement("incentive_transition", `
		UPDATE incentives SET status = $2,
			submitted_at = CASE $3 WHEN 'submit' THEN now() WHEN 'reject' THEN NULL ELSE submitted_at END,
			published_at = CASE $3 WHEN 'publish' THEN coalesce(published_at, now()) ELSE published_at END,
			review_note  = CASE $3 WHEN 'reject' THEN $4 WHEN 'archive' THEN review_note ELSE NULL END
		WHERE id = $1`),
	remove: statement("incentive_delete", `DELETE FROM incentives WHERE id = $1`),
	editorial: statement("incentive_editorial", `
		SELECT version, status, review_note, submitted_at, created_at, as_of FROM incentives WHERE id = $1`),
	translations: statement("incentive_translations", `
		SELECT t.lang, t.updated_at, t.updated_by, u.display_name,
			(t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
		FROM incentive_translations t JOIN incentives c ON c.id = t.incentive_id
		LEFT JOIN users u ON u.id = t.updated_by
		WHERE t.incentive_id = $1 ORDER BY t.lang = c.source_lang DESC, t.lang`),
	deleteSectors: statement("incentive_delete_sectors", `DELETE FROM incentive_sectors WHERE incentive_id = $1`),
	addSectors: statement("incentive_add_sectors", `INSERT INTO incentive_sectors (incentive_id, sector_code)
		SELECT $1, unnest($2::text[])`),
	deleteRegions: statement("incentive_delete_regions", `DELETE FROM incentive_regions WHERE incentive_id = $1`),
	addRegions: statement("incentive_add_regions", `INSERT INTO incentive_regions (incentive_id, country_code, region_code)
		SELECT $1, $2, unnest($3::text[])`),
	currentText: statement("incentive_current_text", `SELECT name AS title, summary, description, '' AS how_to_apply
		FROM incentive_translations WHERE incentive_id = $1 AND lang = $2`),
	upsertText: statement("incentive_upsert_text", `
		INSERT INTO incentive_translations AS t (incentive_id, lang, name, summary, description, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (incentive_id, lang) DO UPDATE SET (name, summary, description, updated_by, updated_at) =
			(EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.updated_by, now())
		WHERE (t.name, t.summary, t.description) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description)
		RETURNING xmax = 0`),
	sourceChanged: statement("incentive_source_changed", `UPDATE incentives SET source_changed_at = now() WHERE id = $1`),
	deleteText:    statement("incentive_delete_text", `DELETE FROM incentive_translations WHERE incentive_id = $1 AND lang = $2`),
}

var programmeSQL = editorSQL{
	lockByID: statement("programme_lock_by_id", `SELECT `+lockedColumns+`
		FROM programmes c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid FOR UPDATE OF c`),
	lockBySlug: statement("programme_lock_by_slug", `SELECT `+lockedColumns+`
		FROM programmes c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1 FOR UPDATE OF c`),
	accessByID: statement("programme_access_by_id", `SELECT `+lockedColumns+`
		FROM programmes c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid`),
	accessBySlug: statement("programme_access_by_slug", `SELECT `+lockedColumns+`
		FROM programmes c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1`),
	sourceByID:   statement("programme_source_lang_by_id", `SELECT source_lang FROM programmes WHERE id = $1::uuid`),
	sourceBySlug: statement("programme_source_lang_by_slug", `SELECT source_lang FROM programmes WHERE slug = $1`),
	snapshot: statement("programme_snapshot", `
		SELECT (to_jsonb(c) - ARRAY['id', 'search_document', 'langs', 'created_at', 'updated_at', 'version', 'source_changed_at'])
			|| jsonb_build_object(
				'sectors', ARRAY(SELECT sector_code FROM programme_sectors s WHERE s.programme_id = c.id ORDER BY sector_code),
				'regions', ARRAY(SELECT region_code FROM programme_regions r WHERE r.programme_id = c.id ORDER BY region_code))
			|| coalesce((SELECT to_jsonb(t) - ARRAY['programme_id', 'lang', 'created_at', 'updated_at', 'updated_by']
				FROM programme_translations t WHERE t.programme_id = c.id AND t.lang = $2), '{}')
		FROM programmes c WHERE c.id = $1`),
	bumpVersion: statement("programme_bump_version", `UPDATE programmes SET version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`),
	// A programme is run by its own organization unless it names another operator.
	insert: named("programme_insert", `
		INSERT INTO programmes (slug, country_code, organization_id, source_lang, operator_id, type, url, max_amount,
			max_amount_currency, valid_from, valid_until, investor_types, min_investment, max_investment, investment_currency,
			min_jobs, residence_abroad, source_title, source_url)
		VALUES (`+newSlug+`, :country_code, :organization_id, :source_lang, coalesce(:operator_id::uuid, :organization_id::uuid), :type, :url, :max_amount,
			:max_amount_currency, :valid_from, :valid_until, coalesce(:investor_types::text[], '{}'), :min_investment, :max_investment, :investment_currency,
			:min_jobs, :residence_abroad, :source_title, :source_url)
		RETURNING id`),
	update: named("programme_update", `
		UPDATE programmes SET
			type                = CASE WHEN :set_type THEN :type ELSE type END,
			operator_id         = CASE WHEN :set_operator_id THEN :operator_id ELSE operator_id END,
			url                 = CASE WHEN :set_url THEN :url ELSE url END,
			max_amount          = CASE WHEN :set_max_amount THEN :max_amount ELSE max_amount END,
			max_amount_currency = CASE WHEN :set_max_amount_currency THEN :max_amount_currency ELSE max_amount_currency END,
			valid_from          = CASE WHEN :set_valid_from THEN :valid_from ELSE valid_from END,
			valid_until         = CASE WHEN :set_valid_until THEN :valid_until ELSE valid_until END,
			investor_types      = CASE WHEN :set_investor_types THEN :investor_types ELSE investor_types END,
			min_investment      = CASE WHEN :set_min_investment THEN :min_investment ELSE min_investment END,
			max_investment      = CASE WHEN :set_max_investment THEN :max_investment ELSE max_investment END,
			investment_currency = CASE WHEN :set_investment_currency THEN :investment_currency ELSE investment_currency END,
			min_jobs            = CASE WHEN :set_min_jobs THEN :min_jobs ELSE min_jobs END,
			residence_abroad    = CASE WHEN :set_residence_abroad THEN :residence_abroad ELSE residence_abroad END,
			source_title        = CASE WHEN :set_source_title THEN :source_title ELSE source_title END,
			source_url          = CASE WHEN :set_source_url THEN :source_url ELSE source_url END
		WHERE id = :id`),
	validity: statement("programme_validity_holds", `
		SELECT u IS NULL OR f IS NULL OR u >= f FROM (
			SELECT CASE WHEN $2 THEN $3::date ELSE valid_until END AS u, CASE WHEN $4 THEN $5::date ELSE valid_from END AS f
			FROM programmes WHERE id = $1) w`),
	transition: statement("programme_transition", `
		UPDATE programmes SET status = $2,
			submitted_at = CASE $3 WHEN 'submit' THEN now() WHEN 'reject' THEN NULL ELSE submitted_at END,
			published_at = CASE $3 WHEN 'publish' THEN coalesce(published_at, now()) ELSE published_at END,
			review_note  = CASE $3 WHEN 'reject' THEN $4 WHEN 'archive' THEN review_note ELSE NULL END
		WHERE id = $1`),
	remove: statement("programme_delete", `DELETE FROM programmes WHERE id = $1`),
	editorial: statement("programme_editorial", `
		SELECT version, status, review_note, submitted_at, created_at, as_of FROM programmes WHERE id = $1`),
	translations: statement("programme_translations", `
		SELECT t.lang, t.updated_at, t.updated_by, u.display_name,
			(t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
		FROM programme_translations t JOIN programmes c ON c.id = t.programme_id
		LEFT JOIN users u ON u.id = t.updated_by
		WHERE t.programme_id = $1 ORDER BY t.lang = c.source_lang DESC, t.lang`),
	deleteSectors: statement("programme_delete_sectors", `DELETE FROM programme_sectors WHERE programme_id = $1`),
	addSectors: statement("programme_add_sectors", `INSERT INTO programme_sectors (programme_id, sector_code)
		SELECT $1, unnest($2::text[])`),
	deleteRegions: statement("programme_delete_regions", `DELETE FROM programme_regions WHERE programme_id = $1`),
	addRegions: statement("programme_add_regions", `INSERT INTO programme_regions (programme_id, country_code, region_code)
		SELECT $1, $2, unnest($3::text[])`),
	currentText: statement("programme_current_text", `SELECT name AS title, summary, description, how_to_apply
		FROM programme_translations WHERE programme_id = $1 AND lang = $2`),
	upsertText: statement("programme_upsert_text", `
		INSERT INTO programme_translations AS t (programme_id, lang, name, summary, description, updated_by, how_to_apply)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (programme_id, lang) DO UPDATE SET (name, summary, description, how_to_apply, updated_by, updated_at) =
			(EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.how_to_apply, EXCLUDED.updated_by, now())
		WHERE (t.name, t.summary, t.description, t.how_to_apply)
			IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.how_to_apply)
		RETURNING xmax = 0`),
	sourceChanged: statement("programme_source_changed", `UPDATE programmes SET source_changed_at = now() WHERE id = $1`),
	deleteText:    statement("programme_delete_text", `DELETE FROM programme_translations WHERE programme_id = $1 AND lang = $2`),
}

// Statements shared by the kinds.
var (
	sqlOrganizationCountryForShare = statement("organization_country_for_share",
		`SELECT country_code FROM organizations WHERE id = $1 FOR SHARE`)
	sqlDeleteBenefits = statement("incentive_delete_benefits", `DELETE FROM incentive_benefits WHERE incentive_id = $1`)
	sqlAddBenefit     = statement("incentive_add_benefit", `INSERT INTO incentive_benefits
		(incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years, amount, currency)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`)
)
