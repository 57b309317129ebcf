// Package guides holds the use cases of guides, "the steps to invest" in a country: listing a
// country's guides (searchable), reading one with its steps, and the guides that explain an
// incentive or a programme. Guides are public reads; they are written by the seed loader.
// It knows nothing of HTTP or SQL.
package guides

import (
	"context"
	"errors"

	"github.com/diaspora-investor/marketplace/domain"
)

// Store is what these use cases need of the database.
type Store interface {
	Guides(ctx context.Context, f domain.GuideFilter) ([]domain.Guide, error)
	Guide(ctx context.Context, idOrSlug string, langs []string) (*domain.GuideDetail, error)
	GuidesOf(ctx context.Context, kind domain.Kind, itemID string, langs []string) ([]domain.ItemRef, error)
}

// Service runs the use cases over a store.
type Service struct{ store Store }

// New returns the use cases over store.
func New(store Store) *Service { return &Service{store: store} }

// NotFound is the error of a guide that does not exist or is not published.
var NotFound = domain.NotFound{Resource: "guide"}

// List returns the published guides of a country (whose code the caller has checked), in the
// country's reading order, or by relevance to f.Query.
func (s *Service) List(ctx context.Context, f domain.GuideFilter) ([]domain.Guide, error) {
	return s.store.Guides(ctx, f)
}

// Get reads one published guide by id or slug, with its steps and links.
func (s *Service) Get(ctx context.Context, id string, langs []string) (*domain.GuideDetail, error) {
	if !domain.IsItemRef(id) { // anything but an id or a slug names no guide
		return nil, NotFound
	}
	g, err := s.store.Guide(ctx, id, langs)
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, NotFound
		}
		return nil, err
	}
	return g, nil
}

// Of lists the published guides that explain an incentive or a programme.
func (s *Service) Of(ctx context.Context, kind domain.Kind, itemID string, langs []string) ([]domain.ItemRef, error) {
	if kind != domain.KindIncentive && kind != domain.KindProgramme {
		return []domain.ItemRef{}, nil
	}
	return s.store.GuidesOf(ctx, kind, itemID, langs)
}
