package repository

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// The site map is cut into parts by the first two hex digits of an item's id (ids are random
// UUIDs, so the parts are even): a part is one range scan of a kind's primary key, and the
// index probes each of the 3 × 256 ranges for one published item. Neither grows with the
// whole catalogue: a part holds about 1/256 of one kind.

// sitemapItems is the FROM and WHERE of a kind's public items whose ids begin with prefix
// (an expression of two hex digits): published, examples only when shown ($2), and for
// opportunities, open ones only when closed ones are hidden ($3).
func sitemapItems(k kindSpec, prefix string) string {
	open := ""
	if k.kind == domain.KindOpportunity {
		open = `
      AND (NOT $3 OR ` + openOn("c.deadline") + `)`
	}
	return `FROM ` + k.table + ` c
    WHERE c.id BETWEEN (` + prefix + ` || '000000-0000-0000-0000-000000000000')::uuid AND (` + prefix + ` || 'ffffff-ffff-ffff-ffff-ffffffffffff')::uuid
      AND c.status = 'published' AND (NOT c.illustrative OR $2)` + open
}

// sitemapKinds are the kinds of the site map.
var sitemapKinds = []kindSpec{opportunitySpec, incentiveSpec, programmeSpec}

// sitemapStatement joins part, written for one kind, for every kind of the site map.
func sitemapStatement(part func(k kindSpec) string, orderBy string) string {
	parts := make([]string, len(sitemapKinds))
	for i, k := range sitemapKinds {
		parts[i] = part(k)
	}
	return strings.Join(parts, "\nUNION ALL\n") + "\nORDER BY " + orderBy
}

// sqlSitemapParts names the parts that hold at least one public item ($1: the prefixes),
// kind by kind.
var sqlSitemapParts = statement("sitemap_parts", sitemapStatement(func(k kindSpec) string {
	return `SELECT '` + k.table + `' AS kind, p.prefix FROM unnest($1::text[]) AS p(prefix)
WHERE EXISTS (SELECT 1 ` + sitemapItems(k, "p.prefix") + `)`
}, "kind, prefix"))

// sqlSitemapSlugs lists the slugs of one part: the public items of kind $4 whose ids begin
// with $1.
var sqlSitemapSlugs = statement("sitemap_slugs", sitemapStatement(func(k kindSpec) string {
	return `SELECT c.slug ` + sitemapItems(k, "$1") + ` AND $4 = '` + k.table + `'`
}, "1"))

// SitemapParts lists the parts of the site map that are not empty.
func (s *Store) SitemapParts(ctx context.Context) ([]domain.SitemapPart, error) {
	var parts []domain.SitemapPart
	err := scanInto(ctx, s.reads, &parts, func(p *domain.SitemapPart) []any { return []any{&p.Kind, &p.Prefix} },
		sqlSitemapParts, pq.Array(domain.SitemapPrefixes()), s.examples, s.hideClosed)
	return parts, err
}

// SitemapSlugs lists the slugs of the public items of one part.
func (s *Store) SitemapSlugs(ctx context.Context, part domain.SitemapPart) ([]string, error) {
	var slugs []string
	err := sqlx.SelectContext(ctx, s.reads, &slugs, sqlSitemapSlugs, part.Prefix, s.examples, s.hideClosed, string(part.Kind))
	return slugs, err
}
