package agencies

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// The reads the agencies' console needs besides the API's: a person's own memberships, and
// the applications waiting for verification.

// Memberships lists the organizations userID belongs to, with their role, for that person
// (and administrators): another's memberships do not exist for anyone else.
func (s *Service) Memberships(ctx context.Context, actor domain.Actor, userID string) ([]domain.MembershipRecord, error) {
	if actor.UserID != userID && !actor.Admin {
		return nil, domain.Denied{Decision: domain.Hidden}
	}
	return s.store.Memberships(ctx, userID)
}

// PendingOrganizations lists one page of the applications waiting for verification, oldest
// first, after f's cursor (administrators); more reports a next page.
func (s *Service) PendingOrganizations(ctx context.Context, actor domain.Actor, f domain.OrgFilter) ([]domain.OrgDetail, bool, error) {
	if !actor.Admin {
		return nil, false, domain.Denied{Decision: domain.AdminOnly}
	}
	f.Pending = true
	return s.store.Organizations(ctx, f)
}
