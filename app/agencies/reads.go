package agencies

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// Organization returns an organization as reader may see it: a verified one to anyone (reader
// nil: not signed in), an application in progress to its members and administrators only.
func (s *Service) Organization(ctx context.Context, reader *domain.Actor, id string) (*domain.OrgDetail, error) {
	org, err := s.store.Organization(ctx, id)
	if err != nil {
		return nil, err
	}
	if reader == nil {
		if !org.Verified {
			return nil, domain.ErrNotFound // an application is not public
		}
		return org, nil
	}
	if err := decided(domain.DecideOrg(*reader, domain.OrgView, org.ID, org.Verified)); err != nil {
		return nil, err
	}
	return org, nil
}

// Authorized reads an organization and checks that actor may do action to it.
func (s *Service) Authorized(ctx context.Context, actor domain.Actor, orgID string, action domain.OrgAction) (*domain.OrgDetail, error) {
	org, err := s.store.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := decided(domain.DecideOrg(actor, action, org.ID, org.Verified)); err != nil {
		return nil, err
	}
	return org, nil
}

// Members lists an organization's members, owners first, for its members and administrators.
func (s *Service) Members(ctx context.Context, actor domain.Actor, orgID string) ([]domain.Member, error) {
	org, err := s.Authorized(ctx, actor, orgID, domain.OrgListMembers)
	if err != nil {
		return nil, err
	}
	return s.store.Members(ctx, org.ID)
}

// decided turns a refusal into its error.
func decided(d domain.Decision) error {
	if d != domain.Allowed {
		return domain.Denied{Decision: d}
	}
	return nil
}
