package repository

import (
	"context"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// The console's content list with its language gaps: one statement per page. The gap is a
// WHERE of each kind's part (missing: the item's langs, kept by the translations' triggers;
// stale: a translation written before the source's last change), and each row carries the
// languages that are stale, so that the page needs no read per row.

// ContentGaps lists one page of content summaries like ContentSummaries, keeping the items with
// no text in missing (when set) and with a stale translation (when stale); staleLangs[i] are
// the stale languages of the i-th item.
func (s *Store) ContentGaps(ctx context.Context, f domain.SummaryFilter, missing string, stale bool) (items []domain.ContentSummary, staleLangs [][]string, next *domain.Cursor, err error) {
	sqlText, args := gapSummariesSQL(f, missing, stale)
	var rows []gapRow
	if err := scanInto(ctx, s.db, &rows, gapColumns, sqlText, args...); err != nil {
		return nil, nil, nil, err
	}
	rows, next = pageOf(rows, f.Limit, func(last gapRow) domain.Cursor {
		return domain.Cursor{PublishedAt: last.sortAt, ID: last.ID}
	})
	items = make([]domain.ContentSummary, len(rows))
	staleLangs = make([][]string, len(rows))
	for i, r := range rows {
		items[i], staleLangs[i] = r.ContentSummary, r.staleLangs
	}
	return items, staleLangs, next, nil
}

// gapRow is a summary of gapSummariesSQL with its stale languages and the time it is sorted by.
type gapRow struct {
	domain.ContentSummary
	staleLangs []string
	sortAt     time.Time
}

// gapColumns are where gapSummariesSQL's columns go, in its order: a part's, then the
// organization's name and acronym.
func gapColumns(r *gapRow) []any {
	return []any{&r.Kind, &r.ID, &r.Slug, &r.Country, &r.Status, pq.Array(&r.Langs), &r.ReviewNote, &r.SubmittedAt,
		&r.UpdatedAt, &r.AsOf, &r.sortAt, &r.Organization.ID, pq.Array(&r.staleLangs), &r.Lang, &r.Title,
		&r.Organization.Name, &r.Organization.Acronym}
}

// The statements of the gaps, registered as the builder makes them (see built.go).
func init() {
	id := "00000000-0000-0000-0000-000000000000"
	after := &domain.Cursor{PublishedAt: time.Unix(0, 0), ID: id}
	text, _ := gapSummariesSQL(domain.SummaryFilter{OrgID: id, Status: "draft", After: after, Limit: 20, Langs: []string{"en"}}, "fr", true)
	statement("content_gaps_of_organization", text)
	text, _ = gapSummariesSQL(domain.SummaryFilter{Review: true, Kinds: []domain.Kind{domain.KindProgramme}, After: after, Limit: 20}, "pt", false)
	statement("content_gaps_in_review", text)
}

// gapSummariesSQL is the statement of one page: each kind's part in its index order (the
// organization's newest change first, or the queue's oldest submission first), filtered and
// cut to the page before the merge.
func gapSummariesSQL(f domain.SummaryFilter, missing string, stale bool) (string, []any) {
	var q query
	langs := q.arg(pq.Array(f.Langs))
	sortCol, cmp, dir := "c.updated_at", "<", "DESC"
	if f.Review {
		sortCol, cmp, dir = "c.submitted_at", ">", "ASC"
	}
	common := []string{"true"}
	if f.OrgID != "" {
		common = append(common, "c.organization_id = "+q.arg(f.OrgID))
	}
	if f.Review {
		common = append(common, "c.status = 'in_review'")
	} else if f.Status != "" {
		common = append(common, "c.status = "+q.arg(f.Status))
	}
	if f.Country != "" {
		common = append(common, "c.country_code = "+q.arg(f.Country))
	}
	if missing != "" {
		common = append(common, "NOT ("+q.arg(missing)+"::text = ANY (c.langs))")
	}
	if f.After != nil {
		common = append(common, "("+sortCol+", c.id) "+cmp+" ("+q.arg(f.After.PublishedAt)+", "+q.arg(f.After.ID)+"::uuid)")
	}
	kinds := f.Kinds
	if len(kinds) == 0 {
		kinds = []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme}
	}
	limit := q.arg(f.Limit + 1)
	parts := make([]string, len(kinds))
	for i, kind := range kinds {
		k := specOf(kind)
		translations, fk := k.singular+"_translations", "t."+k.singular+"_id = c.id"
		staleOf := `FROM ` + translations + ` t WHERE ` + fk + ` AND t.lang <> c.source_lang AND t.updated_at < c.source_changed_at`
		where := strings.Join(common, " AND ")
		if stale {
			where += " AND EXISTS (SELECT 1 " + staleOf + ")"
		}
		parts[i] = `(SELECT '` + string(k.kind) + `' AS kind, c.id, c.slug, c.country_code, c.status, c.langs, c.review_note,
			c.submitted_at, c.updated_at, c.as_of, ` + sortCol + ` AS sort_at, c.organization_id,
			ARRAY(SELECT t.lang::text ` + staleOf + ` ORDER BY t.lang) AS stale_langs,
			coalesce(tr.lang, c.source_lang) AS lang, coalesce(tr.` + k.titleCol + `, '') AS title
			FROM ` + k.table + ` c ` + pickTranslation(translations, fk, langs) + `
			WHERE ` + where + ` ORDER BY ` + sortCol + ` ` + dir + `, c.id ` + dir + ` LIMIT ` + limit + `)`
	}
	return `SELECT x.*, org.name AS org_name, org.acronym AS org_acronym
		FROM (` + strings.Join(parts, " UNION ALL ") + `) x JOIN organizations org ON org.id = x.organization_id
		ORDER BY x.sort_at ` + dir + `, x.id ` + dir + ` LIMIT ` + limit, q.args
}
