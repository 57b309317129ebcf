package repository_test

import (
	"context"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// The hot reads of the public catalogue, on the seed data (run with `make bench`).

func BenchmarkOpportunitiesByCountryAndSector(b *testing.B) {
	db, _ := testdbNew(b)
	ctx := context.Background()
	f := domain.ListFilter{Country: "CV", Sectors: []string{"tourism"}, Limit: 20, Langs: []string{"en"}, SearchLangs: langs}
	for b.Loop() {
		if _, err := db.Opportunities(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpportunitySearch(b *testing.B) {
	db, _ := testdbNew(b)
	ctx := context.Background()
	f := domain.ListFilter{Query: "energia renovável", Limit: 20, Langs: []string{"pt"}, SearchLangs: langs}
	for b.Loop() {
		if _, err := db.Opportunities(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIncentivesWithFacets(b *testing.B) {
	db, _ := testdbNew(b)
	ctx := context.Background()
	f := domain.ListFilter{Country: "CV", Facets: domain.FacetNames, Limit: 20, Langs: []string{"fr"}, SearchLangs: langs}
	for b.Loop() {
		if _, err := db.Incentives(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

func testdbNew(b *testing.B) (*repository.Store, string) {
	db, url := testdb.New(b)
	return repository.New(db), url
}

// BenchmarkListSQL builds the statement of a filtered list (no database).
func BenchmarkListSQL(b *testing.B) {
	f := domain.ListFilter{Country: "CV", Sectors: []string{"tourism", "ict"}, Region: "sal", InvestorType: "diaspora",
		MaxAmount: "500000.00", Currency: "EUR", Facets: domain.FacetNames, Limit: 20, Langs: []string{"fr", "en"}, SearchLangs: langs}
	for b.Loop() {
		repository.ListSQL(domain.KindOpportunity, f)
	}
}
