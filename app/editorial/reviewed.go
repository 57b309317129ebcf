package editorial

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// MarkReviewed clears the stale flag of one translation whose text an editor checked against
// the source's last change and keeps as it is; it returns the item's version after. Who may
// translate may mark reviewed (the store decides on the locked row); a translation that is not
// stale, or the source language, is left as it is.
func (s *Service) MarkReviewed(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, lang string) (int, error) {
	return s.store.MarkTranslationReviewed(ctx, kind, id, actor, ifVersion, lang)
}
