// Package catalogue holds the use cases of the public catalogue: countries with their facts
// and regions, the lists of opportunities, incentives and programmes with their filters,
// cursors, search and facets, an item's detail, and the exchange rates that amounts are shown
// in. It checks what a reader asks for and reads through Store; it knows nothing of HTTP or
// SQL, so that the JSON API, a web page or a command ask the same questions the same way.
package catalogue

import (
	"context"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// Store is what the public reads need of the database. Every method is a read of published
// content (examples and closed items already hidden as configured), so that a read model or
// a replica can serve it instead of the primary's tables.
type Store interface {
	Countries(ctx context.Context, langs []string) ([]domain.Country, error)
	Country(ctx context.Context, code string, langs []string) (*domain.CountryDetail, error)
	PublisherVerified(ctx context.Context, orgID, country string) (bool, error)
	Regions(ctx context.Context, country string) ([]domain.Region, error)
	CountryExists(ctx context.Context, code string) (bool, error)
	RegionExists(ctx context.Context, country, code string) (bool, error)
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
	Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error)
	Opportunity(ctx context.Context, idOrSlug string, langs []string) (*domain.Opportunity, error)
	Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error)
	Incentive(ctx context.Context, idOrSlug string, langs []string) (*domain.Incentive, error)
	Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error)
	Programme(ctx context.Context, idOrSlug string, langs []string) (*domain.Programme, error)
	ExchangeRates(ctx context.Context) ([]domain.Rate, error)
	Rates(ctx context.Context) (domain.Rates, error)
	Organizations(ctx context.Context, f domain.OrgFilter) ([]domain.OrgDetail, bool, error)
}

// RateStore records exchange rates: the one write of this package, kept apart from Store so
// that reads can move to another path without it.
type RateStore interface {
	PutRate(ctx context.Context, r domain.Rate, recordedBy string) (domain.Rate, error)
}

// Service runs the use cases over a store.
type Service struct {
	store Store
	rates RateStore
	// searchLangs are the languages a search is parsed in.
	searchLangs []string
}

// New returns the use cases over store and rates; a search is parsed in each of searchLangs.
func New(store Store, rates RateStore, searchLangs []string) *Service {
	return &Service{store: store, rates: rates, searchLangs: searchLangs}
}

// Countries lists the origin countries, each in the first of langs it is written in.
func (s *Service) Countries(ctx context.Context, langs []string) ([]domain.Country, error) {
	return s.store.Countries(ctx, langs)
}

// Country reads a country by its code, in any case; domain.ErrNotFound when the catalogue has
// no such country.
func (s *Service) Country(ctx context.Context, code string, langs []string) (*domain.CountryDetail, error) {
	code = strings.ToUpper(code)
	if !domain.IsCountryCode(code) {
		return nil, domain.ErrNotFound
	}
	return s.store.Country(ctx, code, langs)
}

// PublisherVerified says whether the organization that published item is one of its country's
// verified organizations (the mark its detail page shows beside the agency).
func (s *Service) PublisherVerified(ctx context.Context, item *domain.Content) (bool, error) {
	return s.store.PublisherVerified(ctx, item.Organization.ID, item.Country)
}

// Regions lists a country's regions; domain.ErrNotFound when the country is unknown.
func (s *Service) Regions(ctx context.Context, country string) ([]domain.Region, error) {
	code, err := s.KnownCountry(ctx, country)
	if err != nil {
		return nil, err
	}
	if code == "" {
		return nil, domain.ErrNotFound
	}
	return s.store.Regions(ctx, code)
}

// KnownCountry returns the catalogue's code for v (in any case), or "" when v names no origin
// country of the catalogue.
func (s *Service) KnownCountry(ctx context.Context, v string) (string, error) {
	return domain.KnownCountry(ctx, s.store, v)
}

// KnownRegion reports whether code names a region of country ("" for any country).
func (s *Service) KnownRegion(ctx context.Context, country, code string) (bool, error) {
	if !domain.IsCodeShape(code) {
		return false, nil
	}
	return s.store.RegionExists(ctx, country, code)
}

// KnownCurrency returns the ISO 4217 code for v when amounts in it can be converted (a rate to
// the euro is known), or "".
func (s *Service) KnownCurrency(ctx context.Context, v string) (string, error) {
	return domain.KnownCurrency(ctx, s.store, v)
}
