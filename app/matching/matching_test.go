package matching_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/matching"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

func newService(t *testing.T) (*matching.Service, *repository.Store) {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	store.Public(false)
	return matching.New(store, catalogue.New(store, store, []string{"pt", "en", "fr", "simple"})), store
}

func codes(err error) []string {
	var invalid *domain.Invalid
	if !errors.As(err, &invalid) {
		return nil
	}
	var out []string
	for _, f := range invalid.Fields {
		out = append(out, f.Name+":"+f.Code)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestCheck(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		plan  matching.Plan
		codes []string
		check func(t *testing.T, e matching.Eligibility)
	}{
		{name: "a diaspora plan in Sal", plan: matching.Plan{Country: "cv", InvestorType: ptr("diaspora"),
			ResidenceCountry: ptr("pt"), Sector: ptr("tourism"), Region: ptr("sal"),
			Amount: &domain.Money{Amount: "250000", Currency: "eur"}, Jobs: ptr(12)},
			check: func(t *testing.T, e matching.Eligibility) {
				sit := e.Situation
				if sit.Country != "CV" || sit.ResidenceCountry != "PT" || sit.AmountLow.Amount != "250000.00" ||
					sit.AmountLow.Currency != "EUR" || !slices.Equal(sit.Regions, []string{"sal"}) {
					t.Errorf("situation %+v", sit)
				}
				if len(e.Eligible)+len(e.NotEligible)+len(e.Undetermined) == 0 {
					t.Error("no incentive or programme assessed")
				}
				if e.Regions["sal"] != "Sal" || e.Rates["EUR"].PerEUR == "" {
					t.Errorf("regions %v, rates %v", e.Regions, e.Rates)
				}
				if len(e.Opportunities) > matching.MaxMatchedOpportunities {
					t.Errorf("%d opportunities", len(e.Opportunities))
				}
			}},
		{name: "only a country", plan: matching.Plan{Country: "SN"},
			check: func(t *testing.T, e matching.Eligibility) {
				if e.Situation.Country != "SN" || e.Situation.Today.IsZero() {
					t.Errorf("situation %+v", e.Situation)
				}
			}},
		{name: "nothing", plan: matching.Plan{}, codes: []string{"country:required"}},
		{name: "every refusal", plan: matching.Plan{Country: "ZZ", InvestorType: ptr("alien"), ResidenceCountry: ptr("XX"),
			Sector: ptr("mining"), Region: ptr("sal"), Amount: &domain.Money{Amount: "lots", Currency: "KRW"}, Jobs: ptr(-1)},
			codes: []string{"country:unknown_country", "investor_type:unknown_code", "residence_country:unknown_country",
				"sector:unknown_code", "region:unknown_region", "amount:invalid_amount", "amount:invalid_currency", "jobs:negative_number"}},
		{name: "another country's region", plan: matching.Plan{Country: "SN", Region: ptr("sal")},
			codes: []string{"region:unknown_region"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := s.Check(ctx, tt.plan, []string{"en"})
			if got := codes(err); !slices.Equal(got, tt.codes) {
				t.Fatalf("refusals: got %v, want %v", got, tt.codes)
			}
			if tt.codes == nil {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, e)
			}
		})
	}
}

func TestRecommendWithoutAProfile(t *testing.T) {
	t.Parallel()
	s, store := newService(t)
	ctx := context.Background()
	u, err := store.CreateUser(ctx, "rui@example.org", "h", "Rui", nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.Recommend(ctx, u.ID, 5, []string{"pt"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs.Opportunities) == 0 || len(recs.Opportunities) > 5 {
		t.Errorf("%d recommendations, want 1 to 5", len(recs.Opportunities))
	}
	if recs.Assessed.Situation.Country != "" || len(recs.Assessed.Eligible) != 0 {
		t.Errorf("assessed without an origin country: %+v", recs.Assessed)
	}
}
