package repository

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// SummaryFilter selects content of every kind for editors: an organization's own (newest
// change first) or the review queue (oldest submission first).
type SummaryFilter = domain.SummaryFilter

// ContentSummaries lists one page of content summaries across kinds (ContentGaps without a gap).
func (s *Store) ContentSummaries(ctx context.Context, f SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
	items, _, next, err := s.ContentGaps(ctx, f, "", false)
	return items, next, err
}

// summariesSQL builds the statement of a page of summaries: each kind is read in its own
// index order and cut to the page before the merge (gapSummariesSQL without a gap).
func summariesSQL(f SummaryFilter) (string, []any) { return gapSummariesSQL(f, "", false) }
