package repository

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// The site map is cut into parts by the first two hex digits of an item's id (ids are random
// UUIDs, so the parts are even): a part is one range scan of a kind's primary key, and the
// index probes each of the 3 × 256 ranges for one published item. Neither grows with the
// whole catalogue: a part holds about 1/256 of one kind.

// sqlSitemapParts names the parts that hold at least one public item, kind by kind.
var sqlSitemapParts = statement("sitemap_parts", `
SELECT k.kind, p.prefix
FROM unnest($1::text[]) AS p(prefix)
CROSS JOIN (VALUES ('opportunities'), ('incentives'), ('programmes')) AS k(kind)
WHERE CASE k.kind
  WHEN 'opportunities' THEN EXISTS (SELECT 1 FROM opportunities c
    WHERE c.id BETWEEN (p.prefix || '000000-0000-0000-0000-000000000000')::uuid AND (p.prefix || 'ffffff-ffff-ffff-ffff-ffffffffffff')::uuid
      AND c.status = 'published' AND (NOT c.illustrative OR $2)
      AND (NOT $3 OR c.deadline IS NULL OR c.deadline >= `+todayUTC+`))
  WHEN 'incentives' THEN EXISTS (SELECT 1 FROM incentives c
    WHERE c.id BETWEEN (p.prefix || '000000-0000-0000-0000-000000000000')::uuid AND (p.prefix || 'ffffff-ffff-ffff-ffff-ffffffffffff')::uuid
      AND c.status = 'published' AND (NOT c.illustrative OR $2))
  ELSE EXISTS (SELECT 1 FROM programmes c
    WHERE c.id BETWEEN (p.prefix || '000000-0000-0000-0000-000000000000')::uuid AND (p.prefix || 'ffffff-ffff-ffff-ffff-ffffffffffff')::uuid
      AND c.status = 'published' AND (NOT c.illustrative OR $2))
  END
ORDER BY k.kind, p.prefix`)

// sqlSitemapSlugs lists the slugs of one part: the public items of kind $1 whose ids begin
// with $2.
var sqlSitemapSlugs = statement("sitemap_slugs", `
WITH bounds AS (
  SELECT ($2 || '000000-0000-0000-0000-000000000000')::uuid AS lo, ($2 || 'ffffff-ffff-ffff-ffff-ffffffffffff')::uuid AS hi
)
SELECT c.slug FROM opportunities c, bounds b
WHERE $1 = 'opportunities' AND c.id BETWEEN b.lo AND b.hi AND c.status = 'published' AND (NOT c.illustrative OR $3)
  AND (NOT $4 OR c.deadline IS NULL OR c.deadline >= `+todayUTC+`)
UNION ALL
SELECT c.slug FROM incentives c, bounds b
WHERE $1 = 'incentives' AND c.id BETWEEN b.lo AND b.hi AND c.status = 'published' AND (NOT c.illustrative OR $3)
UNION ALL
SELECT c.slug FROM programmes c, bounds b
WHERE $1 = 'programmes' AND c.id BETWEEN b.lo AND b.hi AND c.status = 'published' AND (NOT c.illustrative OR $3)
ORDER BY 1`)

// SitemapParts lists the parts of the site map that are not empty.
func (s *Store) SitemapParts(ctx context.Context) ([]domain.SitemapPart, error) {
	var parts []domain.SitemapPart
	err := sqlx.SelectContext(ctx, s.reads, &parts, sqlSitemapParts, pq.Array(domain.SitemapPrefixes()), s.examples, s.hideClosed)
	return parts, err
}

// SitemapSlugs lists the slugs of the public items of one part.
func (s *Store) SitemapSlugs(ctx context.Context, part domain.SitemapPart) ([]string, error) {
	var slugs []string
	err := sqlx.SelectContext(ctx, s.reads, &slugs, sqlSitemapSlugs, string(part.Kind), part.Prefix, s.examples, s.hideClosed)
	return slugs, err
}
