package editorial

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// ItemHistoryBefore reads one page of the audit trail of an item found by HistoryTarget, newest
// first, before the event id before (0: the newest); more reports older events. It is
// ItemHistory for a caller that holds the item already (the console's history page, which shows
// the item too), so that the item is read and its rule decided once a page.
func (s *Service) ItemHistoryBefore(ctx context.Context, it Item, before int64, limit int) (events []domain.AuditEvent, more bool, err error) {
	return s.store.OlderHistory(ctx, it.ID, "", before, limit)
}
