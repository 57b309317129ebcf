package editorial

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// OrgContent lists one page of an organization's content in every status, newest change
// first, for its members and administrators.
func (s *Service) OrgContent(ctx context.Context, actor domain.Actor, orgID string, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	f.OrgID, f.Review = orgID, false
	f, err := s.summaryScope(ctx, actor, f)
	if err != nil {
		return nil, nil, err
	}
	return s.store.ContentSummaries(ctx, f)
}

// ReviewQueue lists one page of the items waiting for review, oldest submission first
// (administrators).
func (s *Service) ReviewQueue(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	f.Review = true
	f, err := s.summaryScope(ctx, actor, f)
	if err != nil {
		return nil, nil, err
	}
	return s.store.ContentSummaries(ctx, f)
}

// summaryScope checks that actor may read the summaries f selects, the review queue
// (f.Review; administrators) or an organization's content (f.OrgID; its members and
// administrators), and narrows f to them. The API's lists and the console's share it.
func (s *Service) summaryScope(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) (domain.SummaryFilter, error) {
	if f.Review {
		if !actor.Admin {
			return f, domain.Denied{Decision: domain.AdminOnly}
		}
		f.OrgID, f.Status = "", ""
		return f, nil
	}
	org, err := s.store.Organization(ctx, f.OrgID)
	if err != nil {
		return f, err
	}
	if d := domain.DecideOrg(actor, domain.OrgContent, org.ID, org.Verified); d != domain.Allowed {
		return f, domain.Denied{Decision: d}
	}
	f.OrgID = org.ID
	return f, nil
}
