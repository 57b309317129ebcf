// Package contacts holds the use case of organizations' public contact points: listing a
// country's, each with its sources and the date it was last checked. It knows nothing of HTTP
// or SQL.
package contacts

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// Store is what this use case needs of the database.
type Store interface {
	Contacts(ctx context.Context, country string) ([]domain.ContactPoint, error)
}

// Service runs the use case over a store.
type Service struct{ store Store }

// New returns the use case over store.
func New(store Store) *Service { return &Service{store: store} }

// Country lists the contact points of the verified organizations of a country (whose code the
// caller has checked), in the organizations' name order.
func (s *Service) Country(ctx context.Context, code string) ([]domain.ContactPoint, error) {
	return s.store.Contacts(ctx, code)
}
