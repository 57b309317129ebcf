package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// kindSpec is how one kind of content is stored, the one description of it that every
// statement of the kind is built from: the lists here, and the statements written once for
// every kind with {kind}, {table} and {title} in them (fill, statement and named).
type kindSpec struct {
	kind     domain.Kind
	table    string // opportunities
	singular string // opportunity: prefix of its child tables and their foreign key ({kind})
	titleCol string // title or name, in the translations table ({title})
	typeCol  string // the column the `type` filter and facet read
	curCol   string // the currency of min_investment and max_investment
	// scoped: the item lists the sectors and regions it is limited to, an empty list meaning
	// "all" (incentives, programmes); otherwise it is about exactly its sectors and its one
	// region (opportunities). It chooses the kind's listFragments.
	scoped bool
	// columns and joins add the kind's own fields to the shared ones.
	columns func(detail bool) string
	joins   string
	listFragments
}

// listFragments are a kind's own pieces of a list's filters and facets; %[1]s is the parameter
// of the filter's value. sectorIn and regionIn are what the sector and region filters ask;
// sectorFacet and regionFacet count the selected rows (sel) per sector and region.
type listFragments struct {
	sectorIn, regionIn       string
	sectorFacet, regionFacet string
}

// exactFragments are the fragments of a kind about exactly its sectors and its one region
// (opportunities), written with {kind} (see kindSpec.fill).
var exactFragments = listFragments{
	sectorIn: `EXISTS (SELECT 1 FROM {kind}_sectors s WHERE s.{kind}_id = c.id AND s.sector_code = ANY(%[1]s))`,
	regionIn: `c.region_code = %[1]s`,
	sectorFacet: `SELECT 'sector' AS facet, s.sector_code AS code, '' AS label, count(*) AS count, min(x.position) AS pos
		FROM sel JOIN {kind}_sectors s ON s.{kind}_id = sel.id JOIN sectors x ON x.code = s.sector_code
		GROUP BY s.sector_code`,
	regionFacet: `SELECT 'region' AS facet, r.code, min(r.name) AS label, count(*) AS count, 0 AS pos
		FROM sel JOIN regions r ON r.country_code = sel.country_code AND r.code = sel.region_code
		GROUP BY r.code`,
}

// scopedFragments are those of the kinds scoped to sectors and regions (incentives and
// programmes). An item limited to no sector applies to every one; one limited to no region
// applies to every region of its own country only. It counts under each sector and region, as
// the list filtered by that one would show it.
var scopedFragments = listFragments{
	sectorIn: `(NOT EXISTS (SELECT 1 FROM {kind}_sectors s WHERE s.{kind}_id = c.id)
		OR EXISTS (SELECT 1 FROM {kind}_sectors s WHERE s.{kind}_id = c.id AND s.sector_code = ANY(%[1]s)))`,
	regionIn: `c.country_code IN (SELECT r.country_code FROM regions r WHERE r.code = %[1]s)
		AND (NOT EXISTS (SELECT 1 FROM {kind}_regions x WHERE x.{kind}_id = c.id)
			OR EXISTS (SELECT 1 FROM {kind}_regions x WHERE x.{kind}_id = c.id AND x.region_code = %[1]s))`,
	sectorFacet: `SELECT 'sector' AS facet, x.code, '' AS label, count(*) AS count, min(x.position) AS pos
		FROM sel CROSS JOIN sectors x
		WHERE NOT EXISTS (SELECT 1 FROM {kind}_sectors s WHERE s.{kind}_id = sel.id)
			OR EXISTS (SELECT 1 FROM {kind}_sectors s WHERE s.{kind}_id = sel.id AND s.sector_code = x.code)
		GROUP BY x.code`,
	regionFacet: `SELECT 'region' AS facet, r.code, min(r.name) AS label, count(*) AS count, 0 AS pos
		FROM sel JOIN regions r ON r.country_code = sel.country_code
		WHERE NOT EXISTS (SELECT 1 FROM {kind}_regions x WHERE x.{kind}_id = sel.id)
			OR EXISTS (SELECT 1 FROM {kind}_regions x WHERE x.{kind}_id = sel.id AND x.region_code = r.code)
		GROUP BY r.code`,
}

// withFragments is k with its list fragments, chosen by scoped and filled with its names.
func (k kindSpec) withFragments() kindSpec {
	f := exactFragments
	if k.scoped {
		f = scopedFragments
	}
	k.listFragments = listFragments{sectorIn: k.fill(f.sectorIn), regionIn: k.fill(f.regionIn),
		sectorFacet: k.fill(f.sectorFacet), regionFacet: k.fill(f.regionFacet)}
	return k
}

// fill writes k's names into text, a statement or fragment written for every kind: {kind} is
// its singular name as its other tables and keys use it (opportunity_sectors, opportunity_id),
// {table} its table (opportunities), {title} the column of its title in its translations.
func (k kindSpec) fill(text string) string {
	return strings.NewReplacer("{kind}", k.singular, "{table}", k.table, "{title}", k.titleCol).Replace(text)
}

// statement registers text, with the kind's names filled in, as <kind>_<name>.
func (k kindSpec) statement(name, text string) string {
	return statement(k.singular+"_"+name, k.fill(text))
}

// named registers a statement with named parameters, as statement does.
func (k kindSpec) named(name, text string) namedStatement {
	return named(k.singular+"_"+name, k.fill(text))
}

var opportunitySpec = kindSpec{
	kind: domain.KindOpportunity, table: "opportunities", singular: "opportunity", titleCol: "title",
	typeCol: "instrument", curCol: "currency",
	columns: func(detail bool) string {
		cols := `c.region_code, r.name AS region_name, c.instrument, c.min_investment::text AS min_investment,
			c.max_investment::text AS max_investment, c.currency, c.jobs, c.deadline, c.investor_types,
			` + sectorsColumn("opportunity")
		if detail {
			cols += `, c.contact_name, c.contact_email, c.contact_phone, c.contact_url`
		}
		return cols
	},
	joins: `LEFT JOIN regions r ON r.country_code = c.country_code AND r.code = c.region_code`,
}.withFragments()

// eligibilityColumns are the structured conditions incentives and programmes share; the
// regions come from eligibilityJoin, which reads them in one pass.
func eligibilityColumns(singular string) string {
	return `c.investor_types, c.min_investment::text AS min_investment, c.max_investment::text AS max_investment,
		c.investment_currency, c.min_jobs, c.residence_abroad, ` + sectorsColumn(singular) + `,
		coalesce(rg.codes, '{}') AS region_codes, coalesce(rg.names, '{}') AS region_names`
}

func eligibilityJoin(singular string) string {
	return `LEFT JOIN LATERAL (
		SELECT array_agg(x.region_code ORDER BY r.position) AS codes, array_agg(r.name ORDER BY r.position) AS names
		FROM ` + singular + `_regions x JOIN regions r ON r.country_code = x.country_code AND r.code = x.region_code
		WHERE x.` + singular + `_id = c.id) rg ON true`
}

func sectorsColumn(singular string) string {
	return `ARRAY(SELECT s.sector_code FROM ` + singular + `_sectors s JOIN sectors x ON x.code = s.sector_code
		WHERE s.` + singular + `_id = c.id ORDER BY x.position) AS sectors`
}

var incentiveSpec = kindSpec{
	kind: domain.KindIncentive, table: "incentives", singular: "incentive", titleCol: "name",
	typeCol: "type", curCol: "investment_currency",
	scoped: true,
	columns: func(bool) string {
		return `c.type, c.legal_instrument, c.legal_article, c.legal_url, c.valid_from, c.valid_until, ` +
			eligibilityColumns("incentive")
	},
	joins: eligibilityJoin("incentive"),
}.withFragments()

var programmeSpec = kindSpec{
	kind: domain.KindProgramme, table: "programmes", singular: "programme", titleCol: "name",
	typeCol: "type", curCol: "investment_currency",
	scoped: true,
	columns: func(detail bool) string {
		cols := `c.type, op.id AS operator_id, op.name AS operator_name, op.acronym AS operator_acronym, c.url,
			c.max_amount::text AS max_amount, c.max_amount_currency, c.valid_from, c.valid_until, ` +
			eligibilityColumns("programme")
		if detail {
			cols += `, coalesce(tr.how_to_apply, '') AS how_to_apply`
		}
		return cols
	},
	joins: `JOIN organizations op ON op.id = c.operator_id ` + eligibilityJoin("programme"),
}.withFragments()

// query collects bound parameters while SQL text is assembled; only fixed identifiers of a
// kindSpec are ever written into the text.
type query struct{ args []any }

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// scope is the FROM and WHERE of the published items that f selects (paging aside).
func (k kindSpec) scope(q *query, f domain.ListFilter) (from string, where []string) {
	from = k.table + " c"
	where = []string{"c.status = 'published'"}
	if f.AnyStatus {
		where = []string{"true"}
	} else {
		if f.HideExamples {
			where = append(where, "NOT c.illustrative")
		}
		if hidesClosed(k.kind, f) {
			where = append(where, openOn("c.deadline"))
		}
	}
	if f.Query != "" {
		from += searchJoin(q, f)
		where = append(where, "c.search_document @@ sq")
	}
	if f.Country != "" {
		where = append(where, "c.country_code = "+q.arg(f.Country))
	}
	if len(f.IDs) > 0 {
		where = append(where, "c.id = ANY("+q.arg(pq.Array(f.IDs))+"::uuid[])")
	}
	if len(f.Sectors) > 0 {
		where = append(where, fmt.Sprintf(k.sectorIn, q.arg(pq.Array(f.Sectors))))
	}
	if f.Region != "" {
		where = append(where, fmt.Sprintf(k.regionIn, q.arg(f.Region)))
	}
	if f.Type != "" {
		where = append(where, "c."+k.typeCol+" = "+q.arg(f.Type))
	}
	// The items' rates are joined once, for the ticket filters to convert their bounds to euros.
	if f.MinAmount != "" || f.MaxAmount != "" {
		from += " LEFT JOIN " + ratesInUse + " xr ON xr.currency = c." + k.curCol
	}
	where = append(where, investorWhere(q, f, "c.investor_types", "c.min_investment", "c.max_investment",
		func(bound string) string { return bound + " / xr.per_eur" })...)
	return from, where
}

// investorWhere is what the investor type and ticket filters of f ask of an item, on the
// content tables and on the read model alike: to be open to the investor type (an empty list is
// open to all), and an investment range that overlaps the ticket's, compared in euros at the
// latest reference rates (the ticket converted once). minCol and maxCol are the item's bounds
// (NULL: open), inEUR converts one to euros.
func investorWhere(q *query, f domain.ListFilter, typesCol, minCol, maxCol string, inEUR func(bound string) string) []string {
	var where []string
	if f.InvestorType != "" {
		where = append(where, "(cardinality("+typesCol+") = 0 OR "+typesCol+" @> ARRAY["+q.arg(f.InvestorType)+"])")
	}
	if f.MaxAmount != "" {
		where = append(where, fmt.Sprintf("(%s IS NULL OR %s <= (SELECT %s::numeric / eur_rate(%s)))",
			minCol, inEUR(minCol), q.arg(f.MaxAmount), q.arg(f.Currency)))
	}
	if f.MinAmount != "" {
		where = append(where, fmt.Sprintf("(%s IS NULL OR %s >= (SELECT %s::numeric / eur_rate(%s)))",
			maxCol, inEUR(maxCol), q.arg(f.MinAmount), q.arg(f.Currency)))
	}
	return where
}

// searchJoin joins the query of f's search, parsed in its languages, as sq.
func searchJoin(q *query, f domain.ListFilter) string {
	return " CROSS JOIN search_query(" + q.arg(f.Query) + ", " + q.arg(pq.Array(f.SearchLangs)) + ") AS sq"
}

// idOrSlugIs is the condition of the row (alias) that idOrSlug names, by id or by slug.
func idOrSlugIs(q *query, alias, idOrSlug string) string {
	if domain.IsID(idOrSlug) {
		return alias + ".id = " + q.arg(strings.ToLower(idOrSlug)) + "::uuid"
	}
	return alias + ".slug = " + q.arg(idOrSlug)
}

// pageLimit is the number of items of a page of f: its limit, or the default when it asks
// none or too many.
func pageLimit(f domain.ListFilter) int {
	if f.Limit < 1 || f.Limit > domain.MaxLimit {
		return domain.DefaultLimit
	}
	return f.Limit
}

// todayUTC is the current date in UTC, whatever the session's time zone.
const todayUTC = "(now() AT TIME ZONE 'UTC')::date"

// hidesClosed reports whether a list of kind for f leaves out closed opportunities: a passed
// deadline closes an opportunity by itself (today in UTC, as eligibility's validity dates),
// hidden from public lists unless they ask to include them; a list of given items
// (bookmarks) keeps them.
func hidesClosed(kind domain.Kind, f domain.ListFilter) bool {
	return kind == domain.KindOpportunity && f.HideClosed && !f.IncludeClosed && len(f.IDs) == 0
}

// openOn is the condition of an opportunity still open, on its deadline column.
func openOn(deadline string) string {
	return "(" + deadline + " IS NULL OR " + deadline + " >= " + todayUTC + ")"
}

// rowKey is the sort key of a row, from which the next page's cursor is made.
type rowKey struct {
	ID          string
	PublishedAt time.Time // a never published item's creation time
	Rank        *float32
}

// kindRow is a row of a kind's list or detail: the item and its sort key.
type kindRow[T any] struct {
	item T
	key  rowKey
}

// kindFields are where the columns of a kind's list (detail: of its detail) go in a row: one
// function per kind (opportunityFields, incentiveFields, programmeFields), for the content
// tables' statements (selectSQL) and the read model's (readColumns) alike, which select the
// same columns in the same order.
type kindFields[T any] func(r *kindRow[T], detail bool) columns

// scan is where a list's (detail's) columns go in a row, as selectPage scans them.
func (fields kindFields[T]) scan(detail bool) func(r *kindRow[T]) []any {
	return func(r *kindRow[T]) []any { return fields(r, detail).dest }
}

// contentFields are where the columns that every kind selects first go: the item's shared
// part, its title (a title or a name) and its sort key.
func contentFields(c *domain.Content, title *string, key *rowKey, detail bool) columns {
	var cols columns
	sourceTitle, sourceURL := pairColumns(&c.Source, func(title, url string) domain.Source { return domain.Source{Title: title, URL: url} })
	cols.add("id slug country_code status source_lang langs illustrative source_title source_url sources as_of updated_at",
		idColumn(&c.ID, &key.ID), &c.Slug, &c.Country, &c.Status, &c.SourceLang, pq.Array(&c.Langs), &c.Illustrative,
		sourceTitle, sourceURL, sourcesColumn(&c.Sources), &c.AsOf, &c.UpdatedAt)
	cols.add("published_at unpublished org_id org_name org_acronym lang title_text summary",
		&key.PublishedAt, publishedColumn(&c.PublishedAt, &key.PublishedAt), &c.Organization.ID, &c.Organization.Name,
		&c.Organization.Acronym, &c.Lang, title, &c.Summary)
	if detail {
		cols.add("description", &c.Description)
	}
	cols.add("rank", &key.Rank)
	return cols
}

// eligibilityFields adds where the columns of eligibilityColumns go (and the read model's
// alike) in the structured conditions of an incentive or programme.
func eligibilityFields(cols *columns, e *domain.Eligibility) {
	min, max, currency := rangeColumns(&e.MinInvestment, &e.MaxInvestment)
	codes, names := regionsColumns(&e.Regions)
	cols.add("investor_types min_investment max_investment investment_currency min_jobs residence_abroad sectors region_codes region_names",
		pq.Array(&e.InvestorTypes), min, max, currency, &e.MinJobs, &e.ResidenceAbroad, pq.Array(&e.Sectors), codes, names)
}

// selectRows runs the list (or, with only set to an id or slug, the detail) query of a kind.
// It reads one row more than the page to know whether another page follows.
func selectRows[T any](ctx context.Context, db sqlx.QueryerContext, k kindSpec, f domain.ListFilter, only string, fields kindFields[T]) ([]T, *domain.Cursor, error) {
	sqlText, args, limit := k.selectSQL(f, only)
	return selectPage(ctx, db, fields.scan(only != ""), sqlText, args, limit, f.Fingerprint(k.kind), f.Query != "")
}

// selectPage reads a page of a kind's items, one row more than limit, and cuts it to the page
// with the cursor of the next one (of the list fingerprint names; ranked when searching),
// made from the key of the page's last row.
func selectPage[T any](ctx context.Context, db sqlx.QueryerContext, scan func(r *kindRow[T]) []any, sqlText string, args []any, limit int,
	fingerprint uint32, ranked bool) ([]T, *domain.Cursor, error) {
	items := make([]T, 0, limit+1)
	var r kindRow[T]
	var last rowKey
	err := scanRows(ctx, db, scan(&r), func() {
		items = append(items, r.item)
		if len(items) == limit {
			last = r.key
		}
		r = kindRow[T]{} // the next row's slices are its own
	}, sqlText, args...)
	if err != nil {
		return nil, nil, err
	}
	if len(items) <= limit {
		return items, nil, nil
	}
	next := &domain.Cursor{List: fingerprint, PublishedAt: last.PublishedAt, ID: last.ID}
	if ranked {
		next.Rank = last.Rank
	}
	return items[:limit], next, nil
}

// ListSQL is the statement and arguments of a kind's list for f, as the API runs it: for
// benchmarks that give the database's own figure for the same query (pgbench).
func ListSQL(kind domain.Kind, f domain.ListFilter) (string, []any) {
	if readModelAnswers(f) {
		sqlText, args, _ := readSQL(kind, f)
		return sqlText, args
	}
	sqlText, args, _ := specOf(kind).selectSQL(f, "")
	return sqlText, args
}

// FacetsSQL is the statement and arguments of a kind's facets for f, as the API runs it: for
// benchmarks (pgbench), as ListSQL.
func FacetsSQL(kind domain.Kind, f domain.ListFilter) (string, []any, error) {
	return facetsSQLOf(specOf(kind), f, readModelAnswers(f))
}

// facetsSQLOf builds the facets statement of f, from the read model or the content tables.
func facetsSQLOf(k kindSpec, f domain.ListFilter, fromReadModel bool) (string, []any, error) {
	if fromReadModel {
		return readFacetsSQL(k.kind, f)
	}
	return k.facetsSQL(f)
}

// selectSQL builds the list (or detail) statement; limit is the page size (one more row is
// read to know whether another page follows).
func (k kindSpec) selectSQL(f domain.ListFilter, only string) (sqlText string, args []any, limit int) {
	var q query
	detail := only != ""
	if detail {
		f.IncludeClosed = true // a detail shows a closed opportunity, as closed
	}
	from, where := k.scope(&q, f)
	if detail {
		where = append(where, idOrSlugIs(&q, "c", only))
	}
	rank, order, outerOrder := "NULL::real AS rank", "c.published_at DESC, c.id DESC", "c.published_at DESC, c.id DESC"
	if f.Query != "" {
		rank, order, outerOrder = "ts_rank_cd(c.search_document, sq) AS rank", "rank DESC, "+order, "c.rank DESC, "+outerOrder
	}
	if a := f.After; a != nil {
		if f.Query != "" && a.Rank != nil {
			where = append(where, fmt.Sprintf("(ts_rank_cd(c.search_document, sq), c.published_at, c.id) < (%s::real, %s, %s::uuid)",
				q.arg(domain.RankString(*a.Rank)), q.arg(a.PublishedAt), q.arg(a.ID)))
		} else {
			where = append(where, fmt.Sprintf("(c.published_at, c.id) < (%s, %s::uuid)", q.arg(a.PublishedAt), q.arg(a.ID)))
		}
	}
	description := ""
	if detail {
		description = ", coalesce(tr.description, '') AS description"
	}
	limit = pageLimit(f)
	if detail {
		limit = 1
	}
	// The page is chosen first, from the kind's own table (filter, order, limit: an index range
	// scan for a list, the ranking of the matches for a search); only its rows are then joined
	// to their organization, region, translation and sectors. Joined before the limit, the
	// translation was picked for every match of a search, not for the 21 rows shown
	// (EXPLAIN ANALYZE: 4,082 picks for one word on 20,000 opportunities, half the time).
	sqlText = `SELECT c.id, c.slug, c.country_code, c.status, c.source_lang, c.langs, c.illustrative,
			c.source_title, c.source_url, c.sources, c.as_of, c.updated_at,
			coalesce(c.published_at, c.created_at) AS published_at, c.published_at IS NULL AS unpublished,
			org.id AS org_id, org.name AS org_name, org.acronym AS org_acronym,
			coalesce(tr.lang, c.source_lang) AS lang, coalesce(tr.` + k.titleCol + `, '') AS title_text,
			coalesce(tr.summary, '') AS summary` + description + `, c.rank, ` + k.columns(detail) + `
		FROM (SELECT c.*, ` + rank + `
			FROM ` + from + `
			WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY ` + order + `
			LIMIT ` + q.arg(limit+1) + `) c
		JOIN organizations org ON org.id = c.organization_id
		` + k.joins + `
		` + pickTranslation(k.singular+"_translations", "t."+k.singular+"_id = c.id", q.arg(pq.Array(f.Langs))) + `
		ORDER BY ` + outerOrder
	return sqlText, q.args, limit
}

// facets counts the items f selects per sector, region and type, for the facets f asks. The
// filter runs once: its rows are materialized, then counted per facet, all in one query.
func (s *Store) facets(ctx context.Context, k kindSpec, f domain.ListFilter) (domain.Facets, error) {
	if len(f.Facets) == 0 {
		return nil, nil
	}
	sqlText, args, err := facetsSQLOf(k, f, s.fromReadModel(f))
	if err != nil {
		return nil, err
	}
	var counts []struct {
		Facet string `db:"facet"`
		Code  string `db:"code"`
		Label string `db:"label"`
		Count int    `db:"count"`
		Pos   int    `db:"pos"`
	}
	if err := sqlx.SelectContext(ctx, s.reads, &counts, sqlText, args...); err != nil {
		return nil, err
	}
	out := domain.Facets{}
	for _, name := range f.Facets {
		out[name] = []domain.FacetCount{}
	}
	for _, c := range counts {
		out[c.Facet] = append(out[c.Facet], domain.FacetCount{Code: c.Code, Label: c.Label, Count: c.Count})
	}
	return out, nil
}

// facetsSQL builds the statement of the facets f asks.
func (k kindSpec) facetsSQL(f domain.ListFilter) (string, []any, error) {
	var q query
	from, where := k.scope(&q, f)
	columns := "c.id, c.country_code, c." + k.typeCol + " AS type_code"
	if !k.scoped {
		columns += ", c.region_code"
	}
	sqlText, err := facetsStatement(`SELECT `+columns+` FROM `+from+` WHERE `+strings.Join(where, " AND "), f.Facets,
		map[string]string{"sector": k.sectorFacet, "region": k.regionFacet, "type": typeFacet})
	return sqlText, q.args, err
}

// typeFacet counts the selected rows (sel, with their type as type_code) per type, on the
// content tables and on the read model alike.
const typeFacet = `SELECT 'type' AS facet, sel.type_code AS code, '' AS label, count(*) AS count, 0 AS pos
				FROM sel WHERE sel.type_code IS NOT NULL GROUP BY sel.type_code`

// facetsStatement is the statement of the facets named: the rows selected (sel, a query) are
// materialized once, then counted by each facet's part (by name) in one query. Every facets
// statement, of the content tables and of the read model, is made here.
func facetsStatement(sel string, names []string, parts map[string]string) (string, error) {
	counts := make([]string, len(names))
	for i, name := range names {
		part, ok := parts[name]
		if !ok {
			return "", fmt.Errorf("unknown facet %q", name)
		}
		counts[i] = part
	}
	return `WITH sel AS MATERIALIZED (` + sel + `)
		` + strings.Join(counts, " UNION ALL ") + `
		ORDER BY facet, count DESC, pos, code`, nil
}

// decodeSources reads the sources column; a malformed value (never written by this code)
// shows as no sources rather than failing the read.
func decodeSources(b []byte) []domain.SourceRef {
	out := []domain.SourceRef{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			return []domain.SourceRef{}
		}
	}
	return out
}

func money(amount, currency *string) *domain.Money {
	if amount == nil || currency == nil {
		return nil
	}
	return &domain.Money{Amount: *amount, Currency: *currency}
}
