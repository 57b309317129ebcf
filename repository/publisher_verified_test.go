package repository_test

import (
	"context"
	"testing"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// An item's publisher is verified when the agency is one of its country's verified
// organizations, as the country's page lists them.
func TestPublisherVerified(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()
	d, err := s.Country(ctx, "CV", []string{"en"})
	if err != nil || len(d.Organizations) == 0 {
		t.Fatalf("Cabo Verde's organizations: %v, %v", d, err)
	}
	org := d.Organizations[0].ID
	for _, tc := range []struct {
		name, org, country string
		want               bool
	}{
		{"a verified organization of the country", org, "CV", true},
		{"of another country", org, "PT", false},
		{"no such organization", "00000000-0000-0000-0000-000000000000", "CV", false},
		{"no identifier", "not-an-id", "CV", false},
	} {
		if got, err := s.PublisherVerified(ctx, tc.org, tc.country); err != nil || got != tc.want {
			t.Errorf("%s: got %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := db.Exec(`UPDATE organizations SET verified = false WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PublisherVerified(ctx, org, "CV"); err != nil || got {
		t.Errorf("after its verification is withdrawn: %v, %v", got, err)
	}
}
