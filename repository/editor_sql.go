package repository

import (
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// The statements of the editorial write path. The three kinds have their own tables
// (opportunities, incentives, programmes) laid out alike, so a statement that is the same for
// every kind is written once with {kind} and {table} in it (kindSpec.statement) and registered for
// each kind under its own name; what differs (the columns of insert and update, the lists of a
// snapshot, a programme's how-to-apply text) is written per kind.

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

// editorSQLOf completes a kind's own statements (s) with those every kind has alike, and the
// regions and validity window of the kinds scoped to regions (incentives and programmes).
func editorSQLOf(k kindSpec, s editorSQL) editorSQL {
	s.lockByID = k.statement("lock_by_id", `SELECT `+lockedColumns+`
		FROM {table} c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid FOR UPDATE OF c`)
	s.lockBySlug = k.statement("lock_by_slug", `SELECT `+lockedColumns+`
		FROM {table} c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1 FOR UPDATE OF c`)
	s.accessByID = k.statement("access_by_id", `SELECT `+lockedColumns+`
		FROM {table} c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1::uuid`)
	s.accessBySlug = k.statement("access_by_slug", `SELECT `+lockedColumns+`
		FROM {table} c JOIN organizations o ON o.id = c.organization_id WHERE c.slug = $1`)
	s.sourceByID = k.statement("source_lang_by_id", `SELECT source_lang FROM {table} WHERE id = $1::uuid`)
	s.sourceBySlug = k.statement("source_lang_by_slug", `SELECT source_lang FROM {table} WHERE slug = $1`)
	s.bumpVersion = k.statement("bump_version", `UPDATE {table} SET version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`)
	s.transition = k.statement("transition", `
		UPDATE {table} SET status = $2,
			submitted_at = CASE $3 WHEN 'submit' THEN now() WHEN 'reject' THEN NULL ELSE submitted_at END,
			published_at = CASE $3 WHEN 'publish' THEN coalesce(published_at, now()) ELSE published_at END,
			review_note  = CASE $3 WHEN 'reject' THEN $4 WHEN 'archive' THEN review_note ELSE NULL END
		WHERE id = $1`)
	s.remove = k.statement("delete", `DELETE FROM {table} WHERE id = $1`)
	s.editorial = k.statement("editorial", `
		SELECT version, status, review_note, submitted_at, created_at, as_of FROM {table} WHERE id = $1`)
	s.translations = k.statement("translations", `
		SELECT t.lang, t.updated_at, t.updated_by, u.display_name,
			(t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
		FROM {kind}_translations t JOIN {table} c ON c.id = t.{kind}_id
		LEFT JOIN users u ON u.id = t.updated_by
		WHERE t.{kind}_id = $1 ORDER BY t.lang = c.source_lang DESC, t.lang`)
	s.deleteSectors = k.statement("delete_sectors", `DELETE FROM {kind}_sectors WHERE {kind}_id = $1`)
	s.addSectors = k.statement("add_sectors", `INSERT INTO {kind}_sectors ({kind}_id, sector_code)
		SELECT $1, unnest($2::text[])`)
	s.sourceChanged = k.statement("source_changed", `UPDATE {table} SET source_changed_at = now() WHERE id = $1`)
	s.deleteText = k.statement("delete_text", `DELETE FROM {kind}_translations WHERE {kind}_id = $1 AND lang = $2`)
	if k.scoped {
		s.deleteRegions = k.statement("delete_regions", `DELETE FROM {kind}_regions WHERE {kind}_id = $1`)
		s.addRegions = k.statement("add_regions", `INSERT INTO {kind}_regions ({kind}_id, country_code, region_code)
		SELECT $1, $2, unnest($3::text[])`)
		s.validity = k.statement("validity_holds", `
		SELECT u IS NULL OR f IS NULL OR u >= f FROM (
			SELECT CASE WHEN $2 THEN $3::date ELSE valid_until END AS u, CASE WHEN $4 THEN $5::date ELSE valid_from END AS f
			FROM {table} WHERE id = $1) w`)
	}
	return s
}

// snapshotOf is a kind's snapshot statement: its row without what every write changes, the
// lists (a jsonb_build_object's arguments), and its text in $2.
func snapshotOf(k kindSpec, lists string) string {
	return k.statement("snapshot", `
		SELECT (to_jsonb(c) - ARRAY['id', 'search_document', 'langs', 'created_at', 'updated_at', 'version', 'source_changed_at'])
			|| jsonb_build_object(`+lists+`)
			|| coalesce((SELECT to_jsonb(t) - ARRAY['{kind}_id', 'lang', 'created_at', 'updated_at', 'updated_by']
				FROM {kind}_translations t WHERE t.{kind}_id = c.id AND t.lang = $2), '{}')
		FROM {table} c WHERE c.id = $1`)
}

// The lists of a snapshot.
const (
	snapshotSectors = `'sectors', ARRAY(SELECT sector_code FROM {kind}_sectors s WHERE s.{kind}_id = c.id ORDER BY sector_code)`
	snapshotRegions = `'regions', ARRAY(SELECT region_code FROM {kind}_regions r WHERE r.{kind}_id = c.id ORDER BY region_code)`
)

// The language-neutral columns an editor writes, per kind: a draft is created with them
// (insertOf) and changed column by column (updateOf).
const (
	editedOpportunityColumns = "region_code, instrument, min_investment, max_investment, currency, jobs, deadline, " +
		"investor_types, contact_name, contact_email, contact_phone, contact_url, " + sourceColumns
	editedIncentiveColumns = "type, legal_instrument, legal_article, legal_url, " + validityAndEligibility + ", " + sourceColumns
	editedProgrammeColumns = "type, operator_id, url, max_amount, max_amount_currency, " + validityAndEligibility + ", " + sourceColumns

	// The columns that the kinds scoped to regions (incentives and programmes) write alike,
	// and every kind's source.
	validityAndEligibility = "valid_from, valid_until, investor_types, min_investment, max_investment, investment_currency, min_jobs, residence_abroad"
	sourceColumns          = "source_title, source_url, as_of"
)

// insertOf is a kind's insert of a new draft: its slug, country, organization and source
// language, and columns (a comma-separated list), each from its named parameter or as
// insertValues says.
func insertOf(k kindSpec, columns string) namedStatement {
	names := strings.Split(columns, ", ")
	values := make([]string, len(names))
	for i, c := range names {
		values[i] = ":" + c
		if v, ok := insertValues[c]; ok {
			values[i] = v
		}
	}
	return k.named("insert", `
		INSERT INTO {table} (slug, country_code, organization_id, source_lang, `+columns+`)
		VALUES (`+newSlug+`, :country_code, :organization_id, :source_lang, `+strings.Join(values, ", ")+`)
		RETURNING id`)
}

// insertValues are the values of a new draft's columns that are more than their parameter.
var insertValues = map[string]string{
	// Never null: none is the empty list.
	"investor_types": `coalesce(:investor_types::text[], '{}')`,
	// A programme is run by its own organization unless it names another operator.
	"operator_id": `coalesce(:operator_id::uuid, :organization_id::uuid)`,
}

// updateOf is a kind's update statement of columns (a comma-separated list): it writes each
// column only when its set_<column> parameter says so.
func updateOf(k kindSpec, columns string) namedStatement {
	names := strings.Split(columns, ", ")
	sets := make([]string, len(names))
	for i, c := range names {
		sets[i] = c + " = CASE WHEN :set_" + c + " THEN :" + c + " ELSE " + c + " END"
	}
	return k.named("update", "UPDATE {table} SET\n\t\t\t"+strings.Join(sets, ",\n\t\t\t")+"\n\t\tWHERE id = :id")
}

var opportunitySQL = editorSQLOf(opportunitySpec, editorSQL{
	snapshot:    snapshotOf(opportunitySpec, snapshotSectors),
	insert:      insertOf(opportunitySpec, editedOpportunityColumns),
	update:      updateOf(opportunitySpec, editedOpportunityColumns),
	currentText: opportunitySpec.statement("current_text", currentText),
	upsertText:  opportunitySpec.statement("upsert_text", upsertText),
})

var incentiveSQL = editorSQLOf(incentiveSpec, editorSQL{
	snapshot: snapshotOf(incentiveSpec, snapshotSectors+", "+snapshotRegions+`,
				'benefits', (SELECT coalesce(jsonb_agg(to_jsonb(b) - 'incentive_id' ORDER BY b.position), '[]')
					FROM incentive_benefits b WHERE b.incentive_id = c.id)`),
	insert:      insertOf(incentiveSpec, editedIncentiveColumns),
	update:      updateOf(incentiveSpec, editedIncentiveColumns),
	currentText: incentiveSpec.statement("current_text", currentText),
	upsertText:  incentiveSpec.statement("upsert_text", upsertText),
})

var programmeSQL = editorSQLOf(programmeSpec, editorSQL{
	snapshot: snapshotOf(programmeSpec, snapshotSectors+", "+snapshotRegions),
	insert:   insertOf(programmeSpec, editedProgrammeColumns),
	update:   updateOf(programmeSpec, editedProgrammeColumns),
	// A programme's text has how to apply besides.
	currentText: programmeSpec.statement("current_text", `SELECT name AS title, summary, description, how_to_apply
		FROM programme_translations WHERE programme_id = $1 AND lang = $2`),
	upsertText: programmeSpec.statement("upsert_text", `
		INSERT INTO programme_translations AS t (programme_id, lang, name, summary, description, updated_by, how_to_apply)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (programme_id, lang) DO UPDATE SET (name, summary, description, how_to_apply, updated_by, updated_at) =
			(EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.how_to_apply, EXCLUDED.updated_by, now())
		WHERE (t.name, t.summary, t.description, t.how_to_apply)
			IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.how_to_apply)
		RETURNING xmax = 0`),
})

// The text of one language, for the kinds whose text is a title, a summary and a description.
const (
	currentText = `SELECT {title} AS title, summary, description, '' AS how_to_apply
		FROM {kind}_translations WHERE {kind}_id = $1 AND lang = $2`
	upsertText = `
		INSERT INTO {kind}_translations AS t ({kind}_id, lang, {title}, summary, description, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT ({kind}_id, lang) DO UPDATE SET ({title}, summary, description, updated_by, updated_at) =
			(EXCLUDED.{title}, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.updated_by, now())
		WHERE (t.{title}, t.summary, t.description) IS DISTINCT FROM (EXCLUDED.{title}, EXCLUDED.summary, EXCLUDED.description)
		RETURNING xmax = 0`
)

// Statements shared by the kinds.
var (
	sqlOrganizationCountryForShare = statement("organization_country_for_share",
		`SELECT country_code FROM organizations WHERE id = $1 FOR SHARE`)
	sqlDeleteBenefits = statement("incentive_delete_benefits", `DELETE FROM incentive_benefits WHERE incentive_id = $1`)
	sqlAddBenefit     = statement("incentive_add_benefit", `INSERT INTO incentive_benefits
		(incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years, amount, currency)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`)
)
