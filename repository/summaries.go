package repository

import (
	"context"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// SummaryFilter selects content of every kind for editors: an organization's own (newest
// change first) or the review queue (oldest submission first).
type SummaryFilter = domain.SummaryFilter

// ContentSummaries lists one page of content summaries across kinds.
func (s *Store) ContentSummaries(ctx context.Context, f SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	sqlText, args := summariesSQL(f)
	var rows []struct {
		Kind        string         `db:"kind"`
		ID          string         `db:"id"`
		Slug        string         `db:"slug"`
		Country     string         `db:"country_code"`
		Status      string         `db:"status"`
		Langs       pq.StringArray `db:"langs"`
		ReviewNote  *string        `db:"review_note"`
		SubmittedAt *time.Time     `db:"submitted_at"`
		UpdatedAt   time.Time      `db:"updated_at"`
		AsOf        *time.Time     `db:"as_of"`
		SortAt      time.Time      `db:"sort_at"`
		OrgID       string         `db:"organization_id"`
		OrgName     string         `db:"org_name"`
		OrgAcronym  *string        `db:"org_acronym"`
		Lang        string         `db:"lang"`
		Title       string         `db:"title"`
	}
	if err := s.db.SelectContext(ctx, &rows, sqlText, args...); err != nil {
		return nil, nil, err
	}
	var next *domain.Cursor
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = &domain.Cursor{PublishedAt: last.SortAt, ID: last.ID}
	}
	out := make([]domain.ContentSummary, len(rows))
	for i, r := range rows {
		out[i] = domain.ContentSummary{Kind: domain.Kind(r.Kind), ID: r.ID, Slug: r.Slug, Country: r.Country, Status: r.Status,
			Title: r.Title, Lang: r.Lang, Langs: r.Langs, ReviewNote: r.ReviewNote, SubmittedAt: r.SubmittedAt,
			UpdatedAt: r.UpdatedAt, AsOf: r.AsOf, Organization: domain.OrgRef{ID: r.OrgID, Name: r.OrgName, Acronym: r.OrgAcronym}}
	}
	return out, next, nil
}

// summariesSQL builds the statement of a page of summaries: each kind is read in its own
// index order and cut to the page before the merge.
func summariesSQL(f SummaryFilter) (string, []any) {
	var q query
	langs := q.arg(pq.Array(f.Langs))
	sortCol, cmp, dir := "c.updated_at", "<", "DESC"
	if f.Review {
		sortCol, cmp, dir = "c.submitted_at", ">", "ASC"
	}
	var common []string
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
		where := "true"
		if len(common) > 0 {
			where = strings.Join(common, " AND ")
		}
		// Each kind is read in its own index order and cut to the page before the merge.
		parts[i] = `(SELECT '` + string(k.kind) + `' AS kind, c.id, c.slug, c.country_code, c.status, c.langs, c.review_note,
			c.submitted_at, c.updated_at, c.as_of, ` + sortCol + ` AS sort_at, c.organization_id,
			coalesce(tr.lang, c.source_lang) AS lang, coalesce(tr.` + k.titleCol + `, '') AS title
			FROM ` + k.table + ` c ` + pickTranslation(k.singular+"_translations", "t."+k.singular+"_id = c.id", langs) + `
			WHERE ` + where + ` ORDER BY ` + sortCol + ` ` + dir + `, c.id ` + dir + ` LIMIT ` + limit + `)`
	}
	return `SELECT x.*, org.name AS org_name, org.acronym AS org_acronym
		FROM (` + strings.Join(parts, " UNION ALL ") + `) x JOIN organizations org ON org.id = x.organization_id
		ORDER BY x.sort_at ` + dir + `, x.id ` + dir + ` LIMIT ` + limit, q.args
}
