package repository

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// The date an item was last checked against its sources (as_of), set by its editors: $1 the
// item's id, $2 the date (NULL clears it).
var asOfStatements = map[domain.Kind]string{
	domain.KindOpportunity: statement("opportunity_set_as_of", `UPDATE opportunities SET as_of = $2::date WHERE id = $1`),
	domain.KindIncentive:   statement("incentive_set_as_of", `UPDATE incentives SET as_of = $2::date WHERE id = $1`),
	domain.KindProgramme:   statement("programme_set_as_of", `UPDATE programmes SET as_of = $2::date WHERE id = $1`),
}

// SetAsOf records when an item was last checked against its sources (date YYYY-MM-DD; nil
// clears it), as every edit: under the item's lock, after domain.Decide, against the version the
// writer read, with its audit event ("update", as_of before → after) and the read model
// refreshed. An unchanged date writes nothing and keeps the version.
func (s *Store) SetAsOf(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, date *string) (int, error) {
	return s.edit(ctx, kind, idOrSlug, actor, domain.ActionEdit, ifVersion, "", nil, func(tx *sqlx.Tx, it *lockedItem) error {
		_, err := tx.ExecContext(ctx, asOfStatements[kind], it.ID, date)
		return err
	})
}
