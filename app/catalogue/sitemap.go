package catalogue

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// SitemapStore reads the site map's parts: which are not empty, and the slugs of one.
type SitemapStore interface {
	SitemapParts(ctx context.Context) ([]domain.SitemapPart, error)
	SitemapSlugs(ctx context.Context, part domain.SitemapPart) ([]string, error)
}

// Sitemap answers the site map's questions: a site map index, then parts of bounded size, so
// that no request walks the whole catalogue.
type Sitemap struct{ store SitemapStore }

// NewSitemap returns the site map's use cases over store.
func NewSitemap(store SitemapStore) *Sitemap { return &Sitemap{store: store} }

// Parts lists the parts that hold at least one public item.
func (m *Sitemap) Parts(ctx context.Context) ([]domain.SitemapPart, error) {
	return m.store.SitemapParts(ctx)
}

// Part lists the slugs of one part, named by its kind and prefix as the index gives them;
// domain.ErrNotFound for a name that is not a part, or a part with no public item (an empty
// site map is not valid).
func (m *Sitemap) Part(ctx context.Context, kind, prefix string) ([]string, error) {
	part, err := domain.ParseSitemapPart(kind, prefix)
	if err != nil {
		return nil, err
	}
	slugs, err := m.store.SitemapSlugs(ctx, part)
	if err == nil && len(slugs) == 0 {
		err = domain.ErrNotFound
	}
	return slugs, err
}
