package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/seed"
)

// The seed loader's statements for guides (migration 00031). A guide is matched by slug and
// updated in place; its texts, steps and links are replaced by the file's.
var (
	sqlSeedGuide = statement("seed_guide", `
	INSERT INTO guides (id, slug, country_code, organization_id, position, status, source_lang,
		illustrative, sources, as_of, published_at)
	VALUES ($1, $2, $3, $4, $5, $6::text, $7, $8, $9, $10,
		CASE WHEN $6::text IN ('published', 'archived') THEN now() END)
	ON CONFLICT (slug) DO UPDATE SET country_code = EXCLUDED.country_code,
		organization_id = EXCLUDED.organization_id, position = EXCLUDED.position, status = EXCLUDED.status,
		source_lang = EXCLUDED.source_lang, illustrative = EXCLUDED.illustrative, sources = EXCLUDED.sources,
		as_of = EXCLUDED.as_of,
		published_at = CASE WHEN EXCLUDED.status IN ('published', 'archived') THEN coalesce(guides.published_at, now()) END,
		updated_at = now()
	RETURNING id`)
	sqlSeedGuideText = statement("seed_guide_text", `
	INSERT INTO guide_translations (guide_id, lang, title, summary, audience, caveats, machine_made)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (guide_id, lang) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,
		audience = EXCLUDED.audience, caveats = EXCLUDED.caveats, machine_made = EXCLUDED.machine_made,
		updated_at = now()`)
	sqlSeedGuideTextsPrune = statement("seed_guide_texts_prune", `
	DELETE FROM guide_translations WHERE guide_id = $1 AND NOT lang = ANY($2::text[])`)
	sqlSeedGuideStepsClear = statement("seed_guide_steps_clear", `DELETE FROM guide_steps WHERE guide_id = $1`)
	sqlSeedGuideStep       = statement("seed_guide_step", `
	INSERT INTO guide_steps (guide_id, position, sources) VALUES ($1, $2, $3)`)
	sqlSeedGuideStepText = statement("seed_guide_step_text", `
	INSERT INTO guide_step_translations (guide_id, position, lang, title, body, office, documents, cost, duration)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`)
	sqlSeedGuideLinksClear = statement("seed_guide_links_clear", `
	WITH i AS (DELETE FROM incentive_guides WHERE guide_id = $1)
	DELETE FROM programme_guides WHERE guide_id = $1`)
	sqlSeedGuideIncentive = statement("seed_guide_incentive", `
	INSERT INTO incentive_guides (incentive_id, guide_id)
	SELECT id, $2 FROM incentives WHERE slug = $1 AND country_code = $3`)
	sqlSeedGuideProgramme = statement("seed_guide_programme", `
	INSERT INTO programme_guides (programme_id, guide_id)
	SELECT id, $2 FROM programmes WHERE slug = $1 AND country_code = $3`)
)

// loadGuides writes a country file's guides, after its incentives and programmes (they link to
// them). Their order in the file is the country's reading order.
func loadGuides(ctx context.Context, tx *sqlx.Tx, c seed.Country, guides []seed.Guide) error {
	for i, g := range guides {
		if err := loadGuide(ctx, tx, c, i+1, g); err != nil {
			return fmt.Errorf("guide %s: %w", g.Slug, err)
		}
	}
	return nil
}

func loadGuide(ctx context.Context, tx *sqlx.Tx, c seed.Country, position int, g seed.Guide) error {
	org, err := idBySlug(ctx, tx, sqlSeedOrganizationID, g.Organization)
	if err != nil {
		return err
	}
	status := g.Status
	if status == "" {
		status = "published"
	}
	var id string
	if err := tx.GetContext(ctx, &id, sqlSeedGuide, SeedID(g.Slug), g.Slug, c.Code, org, position, status,
		sourceLang(c, g.Item), g.Illustrative, jsonOf(g.AllSources()), nullDate(g.AsOf)); err != nil {
		return err
	}
	if len(g.Text) == 0 {
		return fmt.Errorf("no text")
	}
	for _, lang := range sortedKeys(g.Text) {
		t := g.Text[lang]
		if _, err := tx.ExecContext(ctx, sqlSeedGuideText, id, lang, t.Title, t.Summary, t.Audience, t.Caveats, t.MachineMade); err != nil {
			return fmt.Errorf("text %s: %w", lang, err)
		}
	}
	if _, err := tx.ExecContext(ctx, sqlSeedGuideTextsPrune, id, pq.Array(sortedKeys(g.Text))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, sqlSeedGuideStepsClear, id); err != nil {
		return err
	}
	for i, st := range g.Steps {
		if _, err := tx.ExecContext(ctx, sqlSeedGuideStep, id, i+1, jsonOf(orEmptyList(st.Sources))); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
		for _, lang := range sortedKeys(st.Text) {
			t := st.Text[lang]
			if _, err := tx.ExecContext(ctx, sqlSeedGuideStepText, id, i+1, lang, t.Title, t.Body,
				t.Office, t.Documents, t.Cost, t.Duration); err != nil {
				return fmt.Errorf("step %d text %s: %w", i+1, lang, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, sqlSeedGuideLinksClear, id); err != nil {
		return err
	}
	for _, slug := range g.Incentives {
		if _, err := tx.ExecContext(ctx, sqlSeedGuideIncentive, slug, id, c.Code); err != nil {
			return fmt.Errorf("incentive %s: %w", slug, err)
		}
	}
	for _, slug := range g.Programmes {
		if _, err := tx.ExecContext(ctx, sqlSeedGuideProgramme, slug, id, c.Code); err != nil {
			return fmt.Errorf("programme %s: %w", slug, err)
		}
	}
	return nil
}
