package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// opportunityNotFound: no published opportunity has this id or slug.
var opportunityNotFound = domain.NotFound{Resource: "opportunity"}

// Saved lists the user's saved opportunities that are published, newest first, a page at a
// time (f.Owner is the user).
func (s *Service) Saved(ctx context.Context, user *domain.User, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error) {
	return s.store.SavedOpportunities(ctx, user.ID, f)
}

// Save bookmarks a published opportunity (by id or slug); saving twice is harmless.
func (s *Service) Save(ctx context.Context, user *domain.User, idOrSlug string) error {
	err := s.store.SaveOpportunity(ctx, user.ID, idOrSlug)
	if errors.Is(err, domain.ErrNotFound) {
		return opportunityNotFound
	}
	return err
}

// Unsave removes a bookmark; removing one that is not there is harmless.
func (s *Service) Unsave(ctx context.Context, user *domain.User, idOrSlug string) error {
	return s.store.UnsaveOpportunity(ctx, user.ID, idOrSlug)
}

// Export gathers everything held about the user; langs are the languages of the interests'
// opportunity titles.
func (s *Service) Export(ctx context.Context, user *domain.User, langs []string) (*domain.AccountExport, error) {
	out := &domain.AccountExport{User: user}
	var err error
	if out.Profile, err = s.store.Profile(ctx, user.ID); err != nil {
		return nil, err
	}
	if out.Saved, err = s.store.SavedIDs(ctx, user.ID); err != nil {
		return nil, err
	}
	if out.Sessions, err = s.store.Sessions(ctx, user.ID); err != nil {
		return nil, err
	}
	if out.APIKeys, err = s.store.APIKeys(ctx, user.ID); err != nil {
		return nil, err
	}
	if out.Interests, err = s.store.AllInterests(ctx, user.ID, langs); err != nil {
		return nil, err
	}
	if out.Memberships, err = s.store.Memberships(ctx, user.ID); err != nil {
		return nil, err
	}
	out.At = time.Now()
	return out, nil
}
