package repository

import (
	"context"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// Guides: the steps to invest (migration 00031). Public reads only; guides are written by the
// seed loader (seed_guides.go).

// guideColumns are a guide's columns, the guide aliased c and its chosen translation tr (in
// the order of guideFields). With no translation, the guide's texts are empty.
const guideColumns = `
	SELECT c.id, c.slug, c.country_code, c.source_lang, c.langs, c.sources, c.as_of, c.published_at,
		c.updated_at, o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym,
		coalesce(tr.lang, c.source_lang) AS lang, tr.title, tr.summary, tr.audience, tr.caveats, tr.machine_made,
		(SELECT count(*) FROM guide_steps s WHERE s.guide_id = c.id) AS step_count
	FROM guides c JOIN organizations o ON o.id = c.organization_id `

var (
	// $1 country, $2 the reader's languages, $3 search text ('' for none), $4 the languages it
	// is parsed in, $5 whether illustrative guides are public.
	sqlGuidesByCountry = statement("guides_by_country", guideColumns+
		pickTranslation("guide_translations", "t.guide_id = c.id", "$2")+`
	WHERE c.country_code = $1 AND c.status = 'published' AND (NOT c.illustrative OR $5)
		AND ($3 = '' OR c.search_document @@ search_query($3, $4::text[]))
	ORDER BY CASE WHEN $3 = '' THEN 0 ELSE ts_rank_cd(c.search_document, search_query($3, $4::text[])) END DESC,
		c.position, c.slug`)

	// $1 id or slug, $2 the reader's languages, $3 whether illustrative guides are public.
	sqlGuideByIDOrSlug = statement("guide_by_id_or_slug", guideColumns+
		pickTranslation("guide_translations", "t.guide_id = c.id", "$2")+`
	WHERE (c.slug = $1 OR c.id::text = lower($1)) AND c.status = 'published' AND (NOT c.illustrative OR $3)`)

	// Each step in the first of the reader's languages ($2) it exists in, else the guide's
	// source language: a step says its own language, which may differ from the guide's.
	sqlGuideSteps = statement("guide_steps", `
	SELECT s.position, s.sources, tr.lang, tr.title, tr.body, tr.office, tr.documents, tr.cost, tr.duration
	FROM guide_steps s JOIN guides c ON c.id = s.guide_id
	LEFT JOIN LATERAL (
		SELECT t.* FROM guide_step_translations t WHERE t.guide_id = s.guide_id AND t.position = s.position
		ORDER BY array_position($2::text[], t.lang::text), (t.lang = c.source_lang) DESC, t.lang
		LIMIT 1) tr ON true
	WHERE s.guide_id = $1
	ORDER BY s.position`)

	// The published incentives and programmes a guide explains ($1), and the published guides
	// that explain an incentive or a programme ($1), named in $2's languages.
	sqlGuideIncentives   = statement("guide_incentives", incentiveSpec.fill(guideItems))
	sqlGuideProgrammes   = statement("guide_programmes", programmeSpec.fill(guideItems))
	sqlGuidesOfIncentive = statement("guides_of_incentive", incentiveSpec.fill(guidesOfItem))
	sqlGuidesOfProgramme = statement("guides_of_programme", programmeSpec.fill(guidesOfItem))
)

// The links between guides and the incentives and programmes they explain, for either kind.
var (
	guideItems = `
	SELECT c.id, c.slug, coalesce(tr.name, '') AS title, coalesce(tr.lang, c.source_lang) AS lang
	FROM {kind}_guides l JOIN {table} c ON c.id = l.{kind}_id
	` + pickTranslation("{kind}_translations", "t.{kind}_id = c.id", "$2") + `
	WHERE l.guide_id = $1 AND c.status = 'published' AND (NOT c.illustrative OR $3)
	ORDER BY c.slug`
	guidesOfItem = `
	SELECT c.id, c.slug, coalesce(tr.title, '') AS title, coalesce(tr.lang, c.source_lang) AS lang
	FROM {kind}_guides l JOIN guides c ON c.id = l.guide_id
	` + pickTranslation("guide_translations", "t.guide_id = c.id", "$2") + `
	WHERE l.{kind}_id = $1 AND c.status = 'published' AND (NOT c.illustrative OR $3)
	ORDER BY c.position, c.slug`
)

// guideFields are where guideColumns go in a guide.
func guideFields(g *domain.Guide) []any {
	return []any{&g.ID, &g.Slug, &g.Country, &g.SourceLang, pq.Array(&g.Langs), sourcesColumn(&g.Sources), &g.AsOf,
		&g.PublishedAt, &g.UpdatedAt, &g.Org.ID, &g.Org.Name, &g.Org.Acronym, &g.Lang, zeroIfNull(&g.Title),
		zeroIfNull(&g.Summary), zeroIfNull(&g.Audience), zeroIfNull(&g.Caveats), zeroIfNull(&g.MachineMade), &g.StepCount}
}

// Guides lists the published guides of a country in the reader's languages, in the country's
// reading order, or by relevance when f.Query is set.
func (s *Store) Guides(ctx context.Context, f domain.GuideFilter) ([]domain.Guide, error) {
	out := []domain.Guide{}
	if err := scanInto(ctx, s.reads, &out, guideFields, sqlGuidesByCountry, f.Country, pq.Array(f.Langs), f.Query,
		pq.Array(f.SearchLangs), s.examples); err != nil {
		return nil, err
	}
	return out, nil
}

// Guide reads one published guide by id or slug, with its steps and the published incentives
// and programmes it explains; ErrNotFound when there is none.
func (s *Store) Guide(ctx context.Context, idOrSlug string, langs []string) (*domain.GuideDetail, error) {
	var found []domain.Guide
	err := scanInto(ctx, s.reads, &found, guideFields, sqlGuideByIDOrSlug, idOrSlug, pq.Array(langs), s.examples)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, ErrNotFound
	}
	d := &domain.GuideDetail{Guide: found[0], Steps: []domain.GuideStep{}}
	// A step with no translation has an empty text.
	err = scanInto(ctx, s.reads, &d.Steps, func(st *domain.GuideStep) []any {
		return []any{&st.Position, sourcesColumn(&st.Sources), zeroIfNull(&st.Lang), zeroIfNull(&st.Title), zeroIfNull(&st.Body),
			&st.Office, &st.Documents, &st.Cost, &st.Duration}
	}, sqlGuideSteps, d.ID, pq.Array(langs))
	if err != nil {
		return nil, err
	}
	if err := readLinks(ctx, s, sqlGuideIncentives, sqlGuideProgrammes, d.ID, langs, itemRefFields, &d.Incentives, &d.Programmes); err != nil {
		return nil, err
	}
	return d, nil
}

// GuidesOf lists the published guides that explain an incentive or a programme (by id).
func (s *Store) GuidesOf(ctx context.Context, kind domain.Kind, itemID string, langs []string) ([]domain.ItemRef, error) {
	query := sqlGuidesOfIncentive
	if kind == domain.KindProgramme {
		query = sqlGuidesOfProgramme
	}
	return linkedTo(ctx, s, query, itemID, langs, itemRefFields)
}

// itemRefFields are where the columns of guideItems and guidesOfItem go.
func itemRefFields(r *domain.ItemRef) []any { return []any{&r.ID, &r.Slug, &r.Title, &r.Lang} }
