package interests

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// Lists of interests: an organization's inbox, and an investor's own.

// List is a list of interests that someone may read. Only Inbox and Mine make one, so that
// nobody reads a list without the check that goes with it.
type List struct {
	orgID, investorID string
}

// Inbox is the inbox of an organization, for its members and administrators.
func (s *Service) Inbox(ctx context.Context, actor domain.Actor, orgID string) (List, error) {
	org, err := s.store.Organization(ctx, orgID)
	if err != nil {
		return List{}, err
	}
	if d := domain.DecideOrg(actor, domain.OrgInbox, org.ID, org.Verified); d != domain.Allowed {
		return List{}, domain.Denied{Decision: d}
	}
	return List{orgID: org.ID}, nil
}

// Mine is the list of the interests that user sent.
func (s *Service) Mine(user *domain.User) List { return List{investorID: user.ID} }

// Fingerprint names the list with a status filter, for its cursors: a cursor of one list is
// refused by another.
func (l List) Fingerprint(status string) uint32 {
	return domain.ListFingerprint("interests", l.orgID, l.investorID, status)
}

// Page selects one page of a list.
type Page struct {
	Status string // any when empty
	After  *domain.Cursor
	Limit  int
	Langs  []string
}

// Page reads one page of the list, newest first, and the cursor of the next one (nil at the end).
func (s *Service) Page(ctx context.Context, l List, p Page) ([]domain.Interest, *domain.Cursor, error) {
	return s.store.Interests(ctx, domain.InterestFilter{OrgID: l.orgID, InvestorID: l.investorID,
		Status: p.Status, After: p.After, Limit: p.Limit, Langs: p.Langs})
}
