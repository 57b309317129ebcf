package editorial

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// The use cases the agencies' console adds to the API's: the date an item was checked against
// its sources, the audit trail newest first with older pages, and the content list with its
// language gaps in one read per page.

// SetAsOf records the date (YYYY-MM-DD, "" to clear it) an item was last checked against its
// sources; a date after today is refused. ifVersion is the version the writer read. It is the
// API's PATCH of as_of alone: the same rule (checker.asOf) and the same write.
func (s *Service) SetAsOf(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, date string) (int, error) {
	asOf := domain.Cleared[string]()
	if date != "" {
		asOf = domain.Some(date)
	}
	k := &checker{}
	change := domain.ContentChange{AsOf: k.asOf(asOf)}
	if err := k.v.Err(); err != nil {
		return 0, err
	}
	return s.store.UpdateContent(ctx, kind, id, actor, ifVersion, change)
}

// ItemHistory reads one page of the audit trail of an item found by HistoryTarget (which
// decides who may read it), newest first, before the event id before (0: the newest); more
// reports older events. The console's history page shows the item too, so it is read and its
// rule decided once a page.
func (s *Service) ItemHistory(ctx context.Context, it Item, before int64, limit int) (events []domain.AuditEvent, more bool, err error) {
	return s.store.OlderHistory(ctx, it.ID, "", before, limit)
}

// OrganizationHistory reads one page of the audit trail of an organization and of all its
// content, newest first, for its members and administrators.
func (s *Service) OrganizationHistory(ctx context.Context, actor domain.Actor, orgID string, before int64, limit int) (events []domain.AuditEvent, more bool, err error) {
	org, err := s.store.Organization(ctx, orgID)
	if err != nil {
		return nil, false, err
	}
	if d := domain.DecideOrg(actor, domain.OrgContent, org.ID, org.Verified); d != domain.Allowed {
		return nil, false, domain.Denied{Decision: d}
	}
	return s.store.OlderHistory(ctx, "", org.ID, before, limit)
}

// Gap is a language gap of the content list: no text in Missing (a language code, when set),
// a translation stale against its source (Stale); the zero Gap selects everything.
type Gap struct {
	Missing string
	Stale   bool
}

// ContentRow is one line of the content list: the summary and its stale languages.
type ContentRow struct {
	domain.ContentSummary
	StaleLangs []string
}

// ContentPage lists one page of an organization's content (f.OrgID; its members and
// administrators) or of the review queue (f.Review; administrators) with the language gap
// asked for, in one read of the store whatever the gap.
func (s *Service) ContentPage(ctx context.Context, actor domain.Actor, f domain.SummaryFilter, gap Gap) ([]ContentRow, *domain.Cursor, error) {
	f, err := s.summaryScope(ctx, actor, f)
	if err != nil {
		return nil, nil, err
	}
	if gap.Missing != "" {
		lang, ok := s.langs.Match(gap.Missing)
		if !ok {
			return nil, nil, invalidField("gap", "unsupported_language")
		}
		gap.Missing = lang
	}
	items, stale, next, err := s.store.ContentGaps(ctx, f, gap.Missing, gap.Stale)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]ContentRow, len(items))
	for i := range items {
		rows[i] = ContentRow{ContentSummary: items[i], StaleLangs: stale[i]}
	}
	return rows, next, nil
}

// CheckChange checks a change of an item's fields as Patch would, writing nothing: a form that
// has broken rules of its own (a count that is no number) shows them all at once.
func (s *Service) CheckChange(ctx context.Context, kind domain.Kind, it Item, in domain.ContentChange) error {
	_, err := s.check(ctx, kind, in, false, it.Owned.Country)
	return err
}
