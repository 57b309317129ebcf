package repository

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// The read model (migrations/00040_read_model.sql) serves the public reads: read_keys, one
// narrow row per published item and sector key, chooses a page by one index range scan;
// read_items, one row per item and reader language with the translation already picked,
// gives the page's fields. The content tables' own queries (selectSQL, facetsSQL) remain for
// editors, bookmarks and languages the read model does not resolve.

// readLangs are the reader languages read_items resolves (read_model_langs() in SQL).
var readLangs = map[string]bool{"": true, "en": true, "es": true, "fr": true, "kea": true, "pt": true}

// RefreshReadModel rebuilds the read model's rows of some items of a kind (none given: every
// item of it) inside tx, the transaction that changed them. Every write of public content
// calls it before committing.
func RefreshReadModel(ctx context.Context, tx sqlx.ExecerContext, kind domain.Kind, ids ...string) error {
	var arg any
	if len(ids) > 0 {
		arg = pq.Array(ids)
	}
	if _, err := tx.ExecContext(ctx, sqlReadModelRefresh, string(kind), arg); err != nil {
		return fmt.Errorf("read model %s: %w", kind, err)
	}
	return nil
}

// RefreshReadModelAll rebuilds the whole read model and the vocabulary of titles (after a
// seed, an import or a bulk load).
func RefreshReadModelAll(ctx context.Context, tx sqlx.ExecerContext) error {
	for _, k := range []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme} {
		if err := RefreshReadModel(ctx, tx, k); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, sqlReadModelWords); err != nil {
		return fmt.Errorf("read model words: %w", err)
	}
	return nil
}

var (
	sqlReadModelRefresh = statement("read_model_refresh", `SELECT read_model_refresh($1, $2::uuid[])`)
	sqlReadModelWords   = statement("read_model_refresh_words", `SELECT read_model_refresh_words()`)
	sqlReadModelAmounts = statement("read_model_refresh_amounts", `SELECT read_model_refresh_amounts($1)`)
	// sqlReadModelOrganization rebuilds the items an organization ($1) publishes or operates.
	sqlReadModelOrganization = statement("read_model_refresh_organization", `
	SELECT read_model_refresh('opportunities', ARRAY(SELECT id FROM opportunities WHERE organization_id = $1)),
		read_model_refresh('incentives', ARRAY(SELECT id FROM incentives WHERE organization_id = $1)),
		read_model_refresh('programmes', ARRAY(SELECT id FROM programmes WHERE organization_id = $1 OR operator_id = $1))`)
)

// readKeys are the read_items keys a reader's languages are served from, best first; ok is
// false when a language is not one the read model resolves.
func readKeys(langs []string) (keys []string, ok bool) {
	if len(langs) == 0 {
		return []string{""}, true
	}
	for _, l := range langs {
		if !readLangs[l] {
			return nil, false
		}
	}
	return langs, true
}

// fromReadModel reports whether the read model answers f for this store (see
// readModelAnswers; tests may turn the read model off).
func (s *Store) fromReadModel(f domain.ListFilter) bool {
	return !s.noReadModel && readModelAnswers(f)
}

// readModelAnswers reports whether the read model answers f: published content for the public
// (not an editor's, not a list of given items or one user's), in languages it resolves.
func readModelAnswers(f domain.ListFilter) bool {
	if f.AnyStatus || len(f.IDs) > 0 || f.Owner != "" {
		return false
	}
	_, ok := readKeys(f.Langs)
	return ok
}

// readColumns are the columns of a kind's page (or detail), named and ordered as selectSQL
// selects them, so that the kind's fields (kindFields) read both.
func readColumns(kind domain.Kind, detail bool) string {
	cols := `c.id, c.slug, c.country_code, c.status, c.source_lang, c.langs, c.illustrative,
		c.source_title, c.source_url, c.sources, c.as_of, c.updated_at, c.published_at, false AS unpublished,
		c.org_id, c.org_name, c.org_acronym, c.lang, c.title_text, c.summary`
	eligibility := `, c.investor_types, c.min_investment, c.max_investment, c.investment_currency, c.min_jobs,
		c.residence_abroad, c.sectors, c.region_codes, c.region_names`
	if detail {
		cols += `, c.description`
	}
	cols += `, p.rank`
	switch kind {
	case domain.KindOpportunity:
		cols += `, c.region_code, c.region_name, c.instrument, c.min_investment, c.max_investment, c.currency,
			c.jobs, c.deadline, c.investor_types, c.sectors`
		if detail {
			cols += `, c.contact_name, c.contact_email, c.contact_phone, c.contact_url`
		}
	case domain.KindIncentive:
		cols += `, c.type, c.legal_instrument, c.legal_article, c.legal_url, c.valid_from, c.valid_until` + eligibility
	case domain.KindProgramme:
		cols += `, c.type, c.operator_id, c.operator_name, c.operator_acronym, c.url, c.max_amount,
			c.max_amount_currency, c.valid_from, c.valid_until` + eligibility
		if detail {
			cols += `, c.how_to_apply`
		}
	}
	return cols
}

// pickRead joins the page row p to its read_items row: for one reader key, the row of that
// key (a primary key lookup); for several, the row of the first of them the item is written
// in, else of the first key (where the source language was picked).
func pickRead(q *query, kind domain.Kind, keys []string) string {
	if len(keys) == 1 {
		return `JOIN read_items c ON c.kind = ` + q.arg(string(kind)) + ` AND c.id = p.id AND c.lang_key = ` + q.arg(keys[0])
	}
	keysParam := q.arg(pq.Array(keys))
	return `JOIN LATERAL (
		SELECT c.* FROM read_items c
		WHERE c.kind = ` + q.arg(string(kind)) + ` AND c.id = p.id AND c.lang_key = ANY(` + keysParam + `::text[])
		ORDER BY (c.lang = c.lang_key) DESC, array_position(` + keysParam + `::text[], c.lang_key)
		LIMIT 1) c ON true`
}

// readScope is the WHERE of the read_keys rows (aliased k) that f selects, paging aside.
func readScope(q *query, kind domain.Kind, f domain.ListFilter) []string {
	where := []string{"k.kind = " + q.arg(string(kind))}
	switch len(f.Sectors) {
	case 0:
		where = append(where, "k.sector_key = ''")
	case 1:
		where = append(where, "k.sector_key = "+q.arg(f.Sectors[0]))
	default:
		where = append(where, "k.sector_key = ''", "k.sector_keys && "+q.arg(pq.Array(f.Sectors))+"::text[]")
	}
	if f.Country != "" {
		where = append(where, "k.country_code = "+q.arg(f.Country))
	}
	if f.HideExamples {
		where = append(where, "NOT k.illustrative")
	}
	if hidesClosed(kind, f) {
		where = append(where, openOn("k.deadline"))
	}
	if f.Region != "" {
		where = append(where, q.arg(f.Region)+" = ANY(k.region_keys)")
	}
	if f.Type != "" {
		where = append(where, "k.type_code = "+q.arg(f.Type))
	}
	// The bounds are kept in euros already.
	return append(where, investorWhere(q, f, "k.investor_types", "k.min_eur", "k.max_eur", func(bound string) string { return bound })...)
}

// pinnedExact is how many items whose titles hold the search's words as typed come first.
const pinnedExact = 10

// readSQL builds a page of the read model. A list is one range scan of read_keys in the
// list's order. A search reads three tiers, each newest first: the newest pinnedExact items
// whose titles hold the words as typed (rank 2), then the other title matches (rank 1), then
// the matches in the text only (rank 0). Each tier walks read_terms (00065): for each way the
// query is parsed, the postings of one lexeme every match contains, checked against the whole
// query and the filters, stopped at the page's end; so its cost follows the page, not the
// number of matches. A query with an OR or a NOT reads read_keys instead (rank 1 and 0). The
// cursor's rank is the tier.
func readSQL(kind domain.Kind, f domain.ListFilter) (sqlText string, args []any, limit int) {
	var q query
	limit = pageLimit(f)
	keys, _ := readKeys(f.Langs)
	scope := readScope(&q, kind, f)
	n := q.arg(limit + 1)
	var page, with string
	if f.Query == "" {
		where := scope
		if f.After != nil {
			where = append(where, fmt.Sprintf("(k.published_at, k.id) < (%s, %s::uuid)", q.arg(f.After.PublishedAt), q.arg(f.After.ID)))
		}
		page = `SELECT k.id, k.published_at, NULL::real AS rank FROM read_keys k
			WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY k.published_at DESC, k.id DESC LIMIT ` + n
	} else {
		with, page = readSearch(&q, kind, f, scope, n)
	}
	// A list's order is the page's own (kept by the join, so no sort); a search's starts with
	// the tier.
	order := "p.published_at DESC, p.id DESC"
	if f.Query != "" {
		order = "p.rank DESC, " + order
	}
	sqlText = with + `SELECT ` + readColumns(kind, false) + `
		FROM (` + page + `) p
		` + pickRead(&q, kind, keys) + `
		ORDER BY ` + order
	return sqlText, q.args, limit
}

// readSearch is the WITH clause and the page of a search (readSQL); scope is the filters'
// WHERE on read_keys k, n the parameter of the number of rows to read.
func readSearch(q *query, kind domain.Kind, f domain.ListFilter, scope []string, n string) (with, page string) {
	kc := q.arg(string(kind)[:1])
	// A search in one country skips the other countries' postings in the index itself.
	country := ""
	if f.Country != "" {
		country = " AND t.country_code = " + q.arg(f.Country)
	}
	with = `WITH s AS MATERIALIZED (SELECT * FROM search_plan(` + q.arg(f.Query) + `, ` + q.arg(pq.Array(f.SearchLangs)) + `, ` + kc + `::"char")),
		pinned AS MATERIALIZED (
			SELECT t.id, t.published_at FROM read_terms t
			JOIN LATERAL (SELECT 1 FROM read_keys k WHERE k.id = t.id AND ` + strings.Join(scope, " AND ") + `
				AND k.search_document @@ (SELECT sq FROM s) LIMIT 1) ok ON true
			WHERE t.kind = ` + kc + `::"char" AND t.field = 'w' AND t.term = (SELECT exact[1] FROM s)` + country + `
				AND NOT EXISTS (SELECT 1 FROM unnest((SELECT exact[2:] FROM s)) e(term) WHERE NOT EXISTS (
					SELECT 1 FROM read_terms w WHERE w.kind = t.kind AND w.field = 'w' AND w.term = e.term
						AND w.published_at = t.published_at AND w.id = t.id))
			ORDER BY t.published_at DESC, t.id DESC LIMIT ` + strconv.Itoa(pinnedExact) + `)
		`
	// The cursor's tier reads after it; the tiers below it from their start.
	tier := 2
	var after string
	if a := f.After; a != nil && a.Rank != nil {
		tier = min(2, max(0, int(*a.Rank)))
		after = fmt.Sprintf("(%s::timestamptz, %s::uuid)", q.arg(a.PublishedAt), q.arg(a.ID))
	}
	cursor := func(rank int, cols string) string {
		if rank == tier && after != "" {
			return " AND (" + cols + ") < " + after
		}
		return ""
	}
	// postings is one tier read from read_terms: each term's postings in field, checked by
	// check, newest first, the page's rows of each; gate, when set, runs it only if true.
	postings := func(rank int, field, check, gate string) string {
		var slots []string
		for i := range max(1, len(f.SearchLangs)) {
			slots = append(slots, `(SELECT t.published_at, t.id FROM read_terms t
				JOIN LATERAL (SELECT 1 FROM read_keys k WHERE k.id = t.id AND `+strings.Join(scope, " AND ")+` AND `+check+` LIMIT 1) ok ON true
				WHERE t.kind = `+kc+`::"char" AND t.field = '`+field+`' AND t.term = (SELECT terms[`+strconv.Itoa(i+1)+`] FROM s)`+
				country+gate+cursor(rank, "t.published_at, t.id")+`
				ORDER BY t.published_at DESC, t.id DESC LIMIT `+n+`)`)
		}
		return strings.Join(slots, " UNION ")
	}
	title := "k.title_document @@ (SELECT sq FROM s) AND k.search_document @@ (SELECT sq FROM s) AND k.id NOT IN (SELECT id FROM pinned)"
	text := "NOT k.title_document @@ (SELECT sq FROM s) AND k.search_document @@ (SELECT sq FROM s) AND k.id NOT IN (SELECT id FROM pinned)"
	// A query with an OR or a NOT has no terms: its tiers walk read_keys (as before 00065).
	keysTier := func(rank int, check string) string {
		return `SELECT k.published_at, k.id FROM read_keys k
			WHERE ` + strings.Join(scope, " AND ") + ` AND ` + check + ` AND (SELECT terms IS NULL FROM s)` +
			cursor(rank, "k.published_at, k.id") + `
			ORDER BY k.published_at DESC, k.id DESC LIMIT ` + n
	}
	var tiers []string
	if tier >= 2 {
		tiers = append(tiers, `(SELECT id, published_at, 2::real AS rank FROM pinned
			WHERE true`+cursor(2, "published_at, id")+` ORDER BY published_at DESC, id DESC LIMIT `+n+`)`)
	}
	if tier >= 1 {
		tiers = append(tiers, `(SELECT id, published_at, 1::real AS rank FROM (`+postings(1, "a", title, "")+`
			UNION (`+keysTier(1, title)+`)) t ORDER BY published_at DESC, id DESC LIMIT `+n+`)`)
	}
	tiers = append(tiers, `(SELECT id, published_at, 0::real AS rank FROM (`+postings(0, "c", text, "")+`
		UNION `+postings(0, "a", text, " AND (SELECT multi FROM s)")+`
		UNION (`+keysTier(0, text)+`)) t ORDER BY published_at DESC, id DESC LIMIT `+n+`)`)
	return with, `SELECT * FROM (` + strings.Join(tiers, "\n\t\tUNION ALL\n\t\t") + `) tiers LIMIT ` + n
}

// readDetailSQL reads one published item by id or slug from the read model.
func readDetailSQL(kind domain.Kind, f domain.ListFilter, idOrSlug string) (string, []any) {
	var q query
	keys, _ := readKeys(f.Langs)
	where := "p.kind = " + q.arg(string(kind)) + " AND p.lang_key = " + q.arg(keys[0])
	where += " AND " + idOrSlugIs(&q, "p", idOrSlug)
	if f.HideExamples {
		where += " AND NOT p.illustrative"
	}
	return `SELECT ` + readColumns(kind, true) + `
		FROM (SELECT p.id, NULL::real AS rank FROM read_items p WHERE ` + where + `) p
		` + pickRead(&q, kind, keys), q.args
}

// readFacetsSQL counts the items f selects per facet key: from read_facets when f filters by
// country at most (the public hiding rules aside), else from the rows of read_keys it selects.
func readFacetsSQL(kind domain.Kind, f domain.ListFilter) (string, []any, error) {
	if f.Query == "" && len(f.Sectors) == 0 && f.Region == "" && f.Type == "" && f.InvestorType == "" &&
		f.MinAmount == "" && f.MaxAmount == "" {
		return readCountedFacetsSQL(kind, f)
	}
	var q query
	where := readScope(&q, kind, f)
	from := "read_keys k"
	if f.Query != "" {
		from += searchJoin(&q, f)
		where = append(where, "k.search_document @@ sq")
	}
	sqlText, err := facetsStatement(`SELECT k.id, k.country_code, k.type_code, k.sector_keys, k.region_keys
			FROM `+from+` WHERE `+strings.Join(where, " AND "), f.Facets, readFacetParts)
	return sqlText, q.args, err
}

// readFacetParts count the rows of read_keys selected (sel) per facet key.
var readFacetParts = map[string]string{
	"sector": `SELECT 'sector' AS facet, s.code, '' AS label, count(*) AS count, min(x.position) AS pos
				FROM sel CROSS JOIN unnest(sel.sector_keys) AS s(code) JOIN sectors x ON x.code = s.code
				GROUP BY s.code`,
	"region": `SELECT 'region' AS facet, r.code, min(r.name) AS label, count(*) AS count, 0 AS pos
				FROM sel CROSS JOIN unnest(sel.region_keys) AS g(code)
				JOIN regions r ON r.country_code = sel.country_code AND r.code = g.code
				GROUP BY r.code`,
	"type": typeFacet,
}

// readCountedFacetsSQL reads the facets of a list filtered by country at most from the counts
// kept in read_facets (00065): a few rows per country and key, summed.
func readCountedFacetsSQL(kind domain.Kind, f domain.ListFilter) (string, []any, error) {
	var q query
	where := []string{"f.kind = " + q.arg(string(kind))}
	if f.Country != "" {
		where = append(where, "f.country_code = "+q.arg(f.Country))
	}
	if f.HideExamples {
		where = append(where, "NOT f.illustrative")
	}
	if hidesClosed(kind, f) {
		where = append(where, "f.deadline >= "+todayUTC) // read_facets keeps no deadline as 'infinity'
	}
	sqlText, err := facetsStatement(`SELECT f.country_code, f.facet, f.code, f.items
			FROM read_facets f WHERE `+strings.Join(where, " AND "), f.Facets, countedFacetParts)
	return sqlText, q.args, err
}

// countedFacetParts sum the counts of read_facets selected (sel) per facet key.
var countedFacetParts = map[string]string{
	"sector": `SELECT 'sector' AS facet, s.code, '' AS label, sum(s.items) AS count, min(x.position) AS pos
				FROM sel s JOIN sectors x ON x.code = s.code WHERE s.facet = 'sector'
				GROUP BY s.code`,
	"region": `SELECT 'region' AS facet, r.code, min(r.name) AS label, sum(s.items) AS count, 0 AS pos
				FROM sel s JOIN regions r ON r.country_code = s.country_code AND r.code = s.code WHERE s.facet = 'region'
				GROUP BY r.code`,
	"type": `SELECT 'type' AS facet, s.code, '' AS label, sum(s.items) AS count, 0 AS pos
				FROM sel s WHERE s.facet = 'type' GROUP BY s.code`,
}

// readRows runs a page of the read model, as selectRows runs the content tables' query; the
// cursor belongs to the list fingerprint names.
func readRows[T any](ctx context.Context, db sqlx.QueryerContext, kind domain.Kind, f domain.ListFilter, fingerprint uint32, fields kindFields[T]) ([]T, *domain.Cursor, error) {
	sqlText, args, limit := readSQL(kind, f)
	return selectPage(ctx, db, fields.scan(false), sqlText, args, limit, fingerprint, f.Query != "")
}

// sqlCorrectSearch replaces each word of a search ($1) that no published text has by the
// word of the texts closest to it in trigrams (pg_trgm's similarity, at least 0.3), the most
// common one on a tie; short words and stop words (of every search language, $2) stay. NULL
// when no word changes.
var sqlCorrectSearch = statement("correct_search", `
	WITH words AS (
		SELECT x.n, x.w, CASE WHEN length(x.w) < 4 OR search_query(x.w, $2) IS NULL
				OR EXISTS (SELECT 1 FROM read_words r WHERE r.word = x.w) THEN x.w
			ELSE coalesce((SELECT r.word FROM read_words r WHERE r.word % x.w
				ORDER BY similarity(r.word, x.w) DESC, r.items DESC, r.word LIMIT 1), x.w) END AS fixed
		FROM regexp_split_to_table(lower(unaccent($1)), '[^a-z0-9]+') WITH ORDINALITY AS x(w, n)
		WHERE x.w <> '')
	SELECT CASE WHEN bool_or(w <> fixed) THEN string_agg(fixed, ' ' ORDER BY n) END FROM words`)

// corrected is f with its search's misspelt words corrected, and whether any was.
func (s *Store) corrected(ctx context.Context, f domain.ListFilter) (domain.ListFilter, bool) {
	var q *string
	if err := sqlx.GetContext(ctx, s.reads, &q, sqlCorrectSearch, f.Query, pq.Array(f.SearchLangs)); err != nil || q == nil {
		return f, false
	}
	f.Query = *q
	return f, true
}

// readDetail reads one item of the read model: a list of one, or none.
func readDetail[T any](ctx context.Context, db sqlx.QueryerContext, kind domain.Kind, f domain.ListFilter, idOrSlug string, fields kindFields[T]) ([]T, error) {
	sqlText, args := readDetailSQL(kind, f, idOrSlug)
	found, _, err := selectPage(ctx, db, fields.scan(true), sqlText, args, 1, 0, false)
	return found, err
}

// pageRows reads a page's items and cursor from the read model when it answers f, else from
// the content tables. A search that finds nothing is tried again with its misspelt words
// corrected; used is the filter that was answered (the facets count it), while the cursor
// stays the list's as asked.
func pageRows[T any](ctx context.Context, s *Store, k kindSpec, f domain.ListFilter, fields kindFields[T]) (items []T, next *domain.Cursor, used domain.ListFilter, err error) {
	if !s.fromReadModel(f) {
		items, next, err = selectRows(ctx, s.reads, k, f, "", fields)
		return items, next, f, err
	}
	items, next, err = readRows(ctx, s.reads, k.kind, f, f.Fingerprint(k.kind), fields)
	if err != nil || len(items) > 0 || f.Query == "" {
		return items, next, f, err
	}
	if fixed, ok := s.corrected(ctx, f); ok {
		items, next, err = readRows(ctx, s.reads, k.kind, fixed, f.Fingerprint(k.kind), fields)
		return items, next, fixed, err
	}
	return items, next, f, nil
}

// detailRow reads one item (a list of one, or none), from the read model when it answers f.
func detailRow[T any](ctx context.Context, s *Store, k kindSpec, f domain.ListFilter, idOrSlug string, fields kindFields[T]) ([]T, error) {
	if s.fromReadModel(f) {
		return readDetail(ctx, s.reads, k.kind, f, idOrSlug, fields)
	}
	found, _, err := selectRows(ctx, s.reads, k, f, idOrSlug, fields)
	return found, err
}
