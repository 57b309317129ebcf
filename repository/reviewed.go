package repository

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// reviewedSQL are the statements of marking a translation reviewed, per kind: $1 the item's
// id, $2 the language (then $3 the reviewer).
type reviewedSQL struct{ state, mark string }

func reviewedSQLOf(k kindSpec) reviewedSQL {
	return reviewedSQL{
		state: k.statement("translation_review_state", `
			SELECT t.updated_at, (t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
			FROM {kind}_translations t JOIN {table} c ON c.id = t.{kind}_id
			WHERE t.{kind}_id = $1 AND t.lang = $2 FOR UPDATE OF t`),
		mark: k.statement("translation_mark_reviewed", `
			UPDATE {kind}_translations SET updated_at = now(), reviewed_at = now(), updated_by = $3
			WHERE {kind}_id = $1 AND lang = $2`),
	}
}

var reviewedStatements = map[domain.Kind]reviewedSQL{
	domain.KindOpportunity: reviewedSQLOf(opportunitySpec),
	domain.KindIncentive:   reviewedSQLOf(incentiveSpec),
	domain.KindProgramme:   reviewedSQLOf(programmeSpec),
}

// MarkTranslationReviewed records that an editor checked a stale translation against the
// source's last change and left its text as it is: the translation is no longer stale. As every
// write, it locks the item, asks domain.Decide (who may translate may review), checks the
// version the writer read, bumps the version, records the audit event and refreshes the read model ("review_translation",
// stale true → false). A translation that is not stale (or the source language) is left as it
// is: nothing is written, the version stays. ErrTranslationNotFound when the item has no text in
// lang.
func (s *Store) MarkTranslationReviewed(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, lang string) (int, error) {
	k, q, r := specOf(kind), sqlOf(kind), reviewedStatements[kind]
	version := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		it, err := lockItem(ctx, tx, q, idOrSlug)
		if err != nil {
			return err
		}
		if d := domain.Decide(actor, domain.ActionTranslate, it.owned()); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		if ifVersion != 0 && ifVersion != it.Version {
			return ErrPreconditionFailed
		}
		version = it.Version
		var state struct {
			UpdatedAt time.Time `db:"updated_at"`
			Stale     bool      `db:"stale"`
		}
		err = tx.GetContext(ctx, &state, r.state, it.ID, lang)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTranslationNotFound
		}
		if err != nil || !state.Stale {
			return err
		}
		if _, err := tx.ExecContext(ctx, r.mark, it.ID, lang, actor.UserID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &version, q.bumpVersion, it.ID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, auditEvent{actor: actor.UserID, entity: k.singular, entityID: it.ID, orgID: it.OrgID,
			action: "review_translation", lang: &lang, changes: map[string]domain.FieldChange{"stale": {Before: true, After: false}}}); err != nil {
			return err
		}
		// The item's change time moved: the read model follows in the same transaction, as for
		// every write (see edit).
		return RefreshReadModel(ctx, tx, kind, it.ID)
	})
	return version, err
}
