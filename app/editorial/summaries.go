package editorial

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// OrgContent lists one page of an organization's content in every status, newest change
// first, for its members and administrators.
func (s *Service) OrgContent(ctx context.Context, actor domain.Actor, orgID string, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	org, err := s.store.Organization(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	if d := domain.DecideOrg(actor, domain.OrgContent, org.ID, org.Verified); d != domain.Allowed {
		return nil, nil, domain.Denied{Decision: d}
	}
	f.OrgID, f.Review = org.ID, false
	return s.store.ContentSummaries(ctx, f)
}

// ReviewQueue lists one page of the items waiting for review, oldest submission first
// (administrators).
func (s *Service) ReviewQueue(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	if !actor.Admin {
		return nil, nil, domain.Denied{Decision: domain.AdminOnly}
	}
	f.OrgID, f.Review, f.Status = "", true, ""
	return s.store.ContentSummaries(ctx, f)
}
