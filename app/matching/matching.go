// Package matching holds the use cases that match investors with the catalogue: checking a
// described situation against a country's incentives and programmes (eligibility), and
// ranking opportunities for an investor's profile (recommendations). The rules themselves are
// domain's (domain/eligibility.go); this package gathers what they need and checks the input.
// It knows nothing of HTTP or SQL.
package matching

import (
	"context"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// MaxMatchedOpportunities is how many fitting opportunities an eligibility answer lists.
const MaxMatchedOpportunities = 20

// Store is what matching reads of the database.
type Store interface {
	Rates(ctx context.Context) (domain.Rates, error)
	EligibilityCandidates(ctx context.Context, country string, langs []string) ([]domain.Candidate, error)
	Profile(ctx context.Context, userID string) (*domain.Profile, error)
	Recommend(ctx context.Context, in domain.RecommendInput) ([]domain.Recommendation, error)
}

// Catalogue is what matching asks the public catalogue (app/catalogue serves it).
type Catalogue interface {
	KnownCountry(ctx context.Context, v string) (string, error)
	KnownRegion(ctx context.Context, country, code string) (bool, error)
	KnownCurrency(ctx context.Context, v string) (string, error)
	RegionNames(ctx context.Context, country string) (map[string]string, error)
	Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error)
}

// Service runs the use cases.
type Service struct {
	store     Store
	catalogue Catalogue
	now       func() time.Time
}

// New returns the use cases over store and catalogue.
func New(store Store, catalogue Catalogue) *Service {
	return &Service{store: store, catalogue: catalogue, now: time.Now}
}

// Assessed are a country's incentives and programmes assessed for a situation, with what
// explaining them needs: the rates used and the names of the country's regions.
type Assessed struct {
	Situation    domain.Situation
	Rates        domain.Rates
	Regions      map[string]string
	Eligible     []domain.Assessment
	NotEligible  []domain.Assessment
	Undetermined []domain.Assessment
}

// assess reads what assessing a country's incentives and programmes needs (the rates in use,
// the candidates in the reader's languages, the names of the regions) and assesses them.
func (s *Service) assess(ctx context.Context, sit domain.Situation, langs []string) (Assessed, error) {
	out := Assessed{Situation: sit}
	var err error
	if out.Rates, err = s.store.Rates(ctx); err != nil {
		return out, err
	}
	candidates, err := s.store.EligibilityCandidates(ctx, sit.Country, langs)
	if err != nil {
		return out, err
	}
	if out.Regions, err = s.catalogue.RegionNames(ctx, sit.Country); err != nil {
		return out, err
	}
	out.Eligible, out.NotEligible, out.Undetermined = domain.AssessAll(candidates, sit, out.Rates)
	return out, nil
}
