package repository

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// sqlPublisherVerified answers whether an organization is one of a country's verified
// organizations (those country_organizations lists): the mark beside the agency that published
// an item, on its detail page.
var sqlPublisherVerified = statement("publisher_verified", `
	SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1 AND country_code = $2 AND verified)`)

// PublisherVerified says whether organization orgID is verified and of country, in one read of
// the catalogue's (not the country's whole page: facts, regions and organizations).
func (s *Store) PublisherVerified(ctx context.Context, orgID, country string) (bool, error) {
	if !domain.IsID(orgID) {
		return false, nil
	}
	var verified bool
	err := sqlx.GetContext(ctx, s.reads, &verified, sqlPublisherVerified, orgID, country)
	return verified, err
}
