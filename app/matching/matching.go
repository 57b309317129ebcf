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
	// EligibilityConditions reads, in one statement, what assessing a situation in a country
	// needs: whether the country is in the catalogue, its regions' names by code, its
	// published incentives and programmes with their conditions (named in the first of langs
	// each is written in; incentives first, then programmes, each newest first) and the rates
	// in use.
	EligibilityConditions(ctx context.Context, country string, langs []string) (known bool, regions map[string]string,
		candidates []domain.Candidate, rates domain.Rates, err error)
	Profile(ctx context.Context, userID string) (*domain.Profile, error)
	Recommend(ctx context.Context, in domain.RecommendInput) ([]domain.Recommendation, error)
}

// Catalogue is what matching asks the public catalogue (app/catalogue serves it).
type Catalogue interface {
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
// the candidates in the reader's languages, the names of the regions: one statement) and
// assesses them.
func (s *Service) assess(ctx context.Context, sit domain.Situation, langs []string) (Assessed, error) {
	cond, err := s.conditions(ctx, sit.Country, langs)
	if err != nil {
		return Assessed{Situation: sit}, err
	}
	return cond.assess(sit), nil
}

// conditions are a country's, as Store.EligibilityConditions reads them.
type conditions struct {
	known      bool
	regions    map[string]string
	candidates []domain.Candidate
	rates      domain.Rates
}

func (s *Service) conditions(ctx context.Context, country string, langs []string) (conditions, error) {
	var c conditions
	var err error
	c.known, c.regions, c.candidates, c.rates, err = s.store.EligibilityConditions(ctx, country, langs)
	return c, err
}

// assess assesses a situation against the country's conditions.
func (c conditions) assess(sit domain.Situation) Assessed {
	out := Assessed{Situation: sit, Rates: c.rates, Regions: c.regions}
	out.Eligible, out.NotEligible, out.Undetermined = domain.AssessAll(c.candidates, sit, out.Rates)
	return out
}
