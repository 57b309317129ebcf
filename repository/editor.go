package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// ErrPreconditionFailed: the item changed since the version the writer read (If-Match).
var ErrPreconditionFailed = domain.ErrPreconditionFailed

func specOf(kind domain.Kind) kindSpec {
	switch kind {
	case domain.KindIncentive:
		return incentiveSpec
	case domain.KindProgramme:
		return programmeSpec
	}
	return opportunitySpec
}

// lockedItem is an item read under FOR UPDATE in the transaction of a write to it.
type lockedItem struct {
	ID          string `db:"id"`
	OrgID       string `db:"organization_id"`
	OrgVerified bool   `db:"verified"`
	Country     string `db:"country_code"`
	Status      string `db:"status"`
	SourceLang  string `db:"source_lang"`
	Version     int    `db:"version"`
}

func (it lockedItem) owned() domain.Owned {
	return domain.Owned{OrgID: it.OrgID, OrgVerified: it.OrgVerified, Country: it.Country, Status: it.Status}
}

// byIDOrSlug picks the statement that finds an item by id or by slug, and its argument.
func byIDOrSlug(idOrSlug, byID, bySlug string) (string, string) {
	if domain.IsID(idOrSlug) {
		return byID, strings.ToLower(idOrSlug)
	}
	return bySlug, idOrSlug
}

func lockItem(ctx context.Context, tx *sqlx.Tx, q *editorSQL, idOrSlug string) (*lockedItem, error) {
	query, arg := byIDOrSlug(idOrSlug, q.lockByID, q.lockBySlug)
	return getOne[lockedItem](ctx, tx, query, arg)
}

// ItemAccess reads what the rules need to decide who may see an item, and its id.
func (s *Store) ItemAccess(ctx context.Context, kind domain.Kind, idOrSlug string) (string, domain.Owned, error) {
	q := sqlOf(kind)
	query, arg := byIDOrSlug(idOrSlug, q.accessByID, q.accessBySlug)
	var it lockedItem
	err := s.db.GetContext(ctx, &it, query, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.Owned{}, ErrNotFound
	}
	return it.ID, it.owned(), err
}

// SourceLang reads the language an item was written in first.
func (s *Store) SourceLang(ctx context.Context, kind domain.Kind, idOrSlug string) (string, error) {
	q := sqlOf(kind)
	query, arg := byIDOrSlug(idOrSlug, q.sourceByID, q.sourceBySlug)
	var lang string
	err := s.db.GetContext(ctx, &lang, query, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return lang, err
}

// snapshot is an item's language-neutral fields, its lists, and (when lang is set) its text in
// that language, as the audit trail records them.
func snapshot(ctx context.Context, tx *sqlx.Tx, q *editorSQL, id string, lang string) (map[string]any, error) {
	var langArg *string
	if lang != "" {
		langArg = &lang
	}
	return jsonSnapshot(ctx, tx, q.snapshot, id, langArg)
}

// edit runs one write to an item in a transaction: it locks the item, asks the rules, checks
// the version the writer read (ifVersion, 0 for none), applies the change, and, if anything
// changed, bumps the version and appends the audit event. It returns the version after.
func (s *Store) edit(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, action domain.Action,
	ifVersion int, lang string, note *string, apply func(tx *sqlx.Tx, it *lockedItem) error) (int, error) {
	k, q := specOf(kind), sqlOf(kind)
	version := 0
	itemID := ""
	write := func(tx *sqlx.Tx) error {
		it, err := lockItem(ctx, tx, q, idOrSlug)
		if err != nil {
			return err
		}
		itemID = it.ID
		if d := domain.Decide(actor, action, it.owned()); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		if ifVersion != 0 && ifVersion != it.Version {
			return ErrPreconditionFailed
		}
		before, err := snapshot(ctx, tx, q, it.ID, lang)
		if err != nil {
			return err
		}
		if err := apply(tx, it); err != nil {
			return err
		}
		version = it.Version
		if action == domain.ActionDelete {
			return writeAudit(ctx, tx, auditEvent{actor: actor.UserID, entity: k.singular, entityID: it.ID,
				orgID: it.OrgID, action: "delete", changes: diff(before, nil)})
		}
		after, err := snapshot(ctx, tx, q, it.ID, lang)
		if err != nil {
			return err
		}
		changes := diff(before, after)
		if len(changes) == 0 {
			return nil // nothing changed: no new version, nothing to record
		}
		if err := tx.GetContext(ctx, &version, q.bumpVersion, it.ID); err != nil {
			return err
		}
		var langPtr *string
		if lang != "" {
			langPtr = &lang
		}
		return writeAudit(ctx, tx, auditEvent{actor: actor.UserID, entity: k.singular, entityID: it.ID, orgID: it.OrgID,
			action: auditAction(action), lang: langPtr, changes: changes, note: note})
	}
	// The read model is rebuilt for the item in the same transaction, whatever the write was
	// (an edit, a translation, a publication, an archive, a deletion).
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return RefreshReadModel(ctx, tx, kind, itemID)
	})
	return version, err
}

func auditAction(a domain.Action) string {
	switch a {
	case domain.ActionEdit:
		return "update"
	case domain.ActionTranslate:
		return "translate"
	}
	return string(a)
}

// CreateContent makes a draft for country in the name of organization orgID, with its text in
// one language, and returns its id. ErrNotFound when the organization does not exist.
func (s *Store) CreateContent(ctx context.Context, kind domain.Kind, actor domain.Actor, orgID, country string, c domain.ContentChange) (string, error) {
	k, q := specOf(kind), sqlOf(kind)
	w := columnsOf(kind, c)
	if w.Text == nil {
		return "", errors.New("a new item needs its text")
	}
	values := map[string]any{"title": deref(w.Text.Title), "country_code": country, "organization_id": orgID, "source_lang": w.Text.Lang}
	for name, v := range w.Columns {
		values[name] = v
	}
	args, err := q.insert.args(values)
	if err != nil {
		return "", err
	}
	var id string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var org struct {
			Country *string `db:"country_code"`
		}
		err := tx.GetContext(ctx, &org, sqlOrganizationCountryForShare, orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if d := domain.DecideCreate(actor, orgID, deref(org.Country), country); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		if err := tx.GetContext(ctx, &id, q.insert.text, args...); err != nil {
			return err
		}
		it := &lockedItem{ID: id, OrgID: orgID, Country: country, Status: domain.StatusDraft, SourceLang: w.Text.Lang}
		if err := writeLists(ctx, tx, q, it, w); err != nil {
			return err
		}
		if _, err := writeText(ctx, tx, q, it, actor.UserID, *w.Text); err != nil {
			return err
		}
		after, err := snapshot(ctx, tx, q, id, w.Text.Lang)
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, auditEvent{actor: actor.UserID, entity: k.singular, entityID: id, orgID: orgID,
			action: "create", lang: &w.Text.Lang, changes: diff(nil, after)})
	})
	return id, err
}

// updateArgs are the arguments of the kind's update statement that write cols to item id.
func updateArgs(q *editorSQL, id string, cols map[string]any) ([]any, error) {
	values := map[string]any{"id": id}
	for name, v := range cols {
		values[name], values["set_"+name] = v, true
	}
	for _, name := range q.update.names {
		if _, ok := values[name]; !ok && strings.HasPrefix(name, "set_") {
			values[name] = false
		}
	}
	return q.update.args(values)
}

// UpdateContent changes an item's language-neutral fields and lists, and its text in one
// language when the change has text (the source language's when it names none).
func (s *Store) UpdateContent(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, c domain.ContentChange) (int, error) {
	q := sqlOf(kind)
	w := columnsOf(kind, c)
	if _, err := updateArgs(q, "", w.Columns); err != nil {
		return 0, err
	}
	lang := ""
	if w.Text != nil {
		if w.Text.Lang == "" {
			// Text without a language is the source language's; an item's source never changes.
			var err error
			if w.Text.Lang, err = s.SourceLang(ctx, kind, idOrSlug); err != nil {
				return 0, err
			}
		}
		lang = w.Text.Lang
	}
	return s.edit(ctx, kind, idOrSlug, actor, domain.ActionEdit, ifVersion, lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		if err := validityWindowHolds(ctx, tx, q, it.ID, w.Columns); err != nil {
			return err
		}
		if len(w.Columns) > 0 {
			args, err := updateArgs(q, it.ID, w.Columns)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, q.update.text, args...); err != nil {
				return err
			}
		}
		if err := writeLists(ctx, tx, q, it, w); err != nil {
			return err
		}
		if w.Text != nil {
			_, err := writeText(ctx, tx, q, it, actor.UserID, *w.Text)
			return err
		}
		return nil
	})
}

// writeLists replaces the sectors, regions and benefits the write names.
func writeLists(ctx context.Context, tx *sqlx.Tx, q *editorSQL, it *lockedItem, w contentWrite) error {
	if w.Sectors != nil {
		if _, err := tx.ExecContext(ctx, q.deleteSectors, it.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, q.addSectors, it.ID, pq.Array(*w.Sectors)); err != nil {
			return err
		}
	}
	if w.Regions != nil && q.addRegions != "" {
		if _, err := tx.ExecContext(ctx, q.deleteRegions, it.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, q.addRegions, it.ID, it.Country, pq.Array(*w.Regions)); err != nil {
			return err
		}
	}
	if w.Benefits != nil && q == &incentiveSQL {
		return writeBenefits(ctx, tx, it.ID, *w.Benefits)
	}
	return nil
}

// writeBenefits replaces an incentive's benefits.
func writeBenefits(ctx context.Context, tx *sqlx.Tx, id string, benefits []domain.Benefit) error {
	if _, err := tx.ExecContext(ctx, sqlDeleteBenefits, id); err != nil {
		return err
	}
	for i, b := range benefits {
		var amount, currency *string
		if b.Amount != nil {
			amount, currency = &b.Amount.Amount, &b.Amount.Currency
		}
		if _, err := tx.ExecContext(ctx, sqlAddBenefit,
			id, i+1, b.Kind, b.Tax, b.Percent, b.CapPercentOfTax, b.DurationYears, amount, currency); err != nil {
			return err
		}
	}
	return nil
}

// writeText writes one language's text, recording its author; it reports whether the
// translation is new. A change of the source language's text makes the other translations
// stale.
func writeText(ctx context.Context, tx *sqlx.Tx, q *editorSQL, it *lockedItem, actorID string, t textWrite) (created bool, err error) {
	var cur struct {
		Title       string `db:"title"`
		Summary     string `db:"summary"`
		Description string `db:"description"`
		HowToApply  string `db:"how_to_apply"`
	}
	err = tx.GetContext(ctx, &cur, q.currentText, it.ID, t.Lang)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if !exists && (t.Title == nil || t.Summary == nil || t.Description == nil) {
		return false, ErrTranslationNotFound
	}
	pick := func(p *string, old string) string {
		if p != nil {
			return *p
		}
		return old
	}
	args := []any{it.ID, t.Lang, pick(t.Title, cur.Title), pick(t.Summary, cur.Summary), pick(t.Description, cur.Description),
		nullUUID(actorID)}
	if q == &programmeSQL {
		args = append(args, pick(t.HowToApply, cur.HowToApply))
	}
	var inserted []bool
	if err := tx.SelectContext(ctx, &inserted, q.upsertText, args...); err != nil {
		return false, err
	}
	if len(inserted) == 1 && t.Lang == it.SourceLang {
		if _, err := tx.ExecContext(ctx, q.sourceChanged, it.ID); err != nil {
			return false, err
		}
	}
	return len(inserted) == 1 && inserted[0], nil
}

// PutTranslation writes (or replaces) an item's text in one language; created reports a new
// language.
func (s *Store) PutTranslation(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, text domain.TextChange) (version int, created bool, err error) {
	q := sqlOf(kind)
	t := textOf(text)
	version, err = s.edit(ctx, kind, idOrSlug, actor, domain.ActionTranslate, ifVersion, t.Lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		var err error
		created, err = writeText(ctx, tx, q, it, actor.UserID, t)
		return err
	})
	return version, created, err
}

// ErrSourceLanguage: the source language's text cannot be deleted.
var ErrSourceLanguage = domain.ErrSourceLanguage

// DeleteTranslation removes one language other than the source; ErrNotFound when the item has
// no text in it.
func (s *Store) DeleteTranslation(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, lang string) (int, error) {
	q := sqlOf(kind)
	return s.edit(ctx, kind, idOrSlug, actor, domain.ActionDeleteTranslation, ifVersion, lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		if lang == it.SourceLang {
			return ErrSourceLanguage
		}
		res, err := tx.ExecContext(ctx, q.deleteText, it.ID, lang)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTranslationNotFound
		}
		return nil
	})
}

// ErrTranslationNotFound: the item exists but has no text in that language.
var ErrTranslationNotFound = domain.ErrTranslationNotFound

// Transition moves an item along the workflow (submit, publish, reject with a reason, archive).
func (s *Store) Transition(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, action domain.Action, reason *string) (int, error) {
	q := sqlOf(kind)
	t, ok := domain.Transitions[action]
	if !ok {
		return 0, fmt.Errorf("%s is not a transition", action)
	}
	return s.edit(ctx, kind, idOrSlug, actor, action, ifVersion, "", reason, func(tx *sqlx.Tx, it *lockedItem) error {
		_, err := tx.ExecContext(ctx, q.transition, it.ID, t.To, string(action), reason)
		return err
	})
}

// DeleteContent deletes a draft and everything it owns; its audit trail stays.
func (s *Store) DeleteContent(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int) error {
	q := sqlOf(kind)
	_, err := s.edit(ctx, kind, idOrSlug, actor, domain.ActionDelete, ifVersion, "", nil, func(tx *sqlx.Tx, it *lockedItem) error {
		_, err := tx.ExecContext(ctx, q.remove, it.ID)
		return err
	})
	return err
}

// Editorial reads the side of an item only its editors see: version, status, review note and
// its translations with their authors and staleness.
func (s *Store) Editorial(ctx context.Context, kind domain.Kind, id string) (*domain.Editorial, error) {
	q := sqlOf(kind)
	out := &domain.Editorial{}
	err := s.db.QueryRowxContext(ctx, q.editorial, id).Scan(&out.Version, &out.Status, &out.ReviewNote, &out.SubmittedAt,
		&out.CreatedAt, &out.AsOf)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Lang      string    `db:"lang"`
		UpdatedAt time.Time `db:"updated_at"`
		UserID    *string   `db:"updated_by"`
		UserName  *string   `db:"display_name"`
		Stale     bool      `db:"stale"`
	}
	if err := s.db.SelectContext(ctx, &rows, q.translations, id); err != nil {
		return nil, err
	}
	out.Translations = make([]domain.Translation, len(rows))
	for i, r := range rows {
		out.Translations[i] = domain.Translation{Lang: r.Lang, UpdatedAt: r.UpdatedAt, Stale: r.Stale}
		if r.UserID != nil {
			out.Translations[i].UpdatedBy = &domain.UserRef{ID: *r.UserID, Name: deref(r.UserName)}
		}
	}
	return out, nil
}

// OpportunityForEditor reads one opportunity whatever its status.
func (s *Store) OpportunityForEditor(ctx context.Context, id string, langs []string) (*domain.Opportunity, error) {
	return s.opportunity(OnPrimary(ctx), id, langs, true) // with its version, read on the primary
}

// IncentiveForEditor reads one incentive whatever its status.
func (s *Store) IncentiveForEditor(ctx context.Context, id string, langs []string) (*domain.Incentive, error) {
	return s.incentive(OnPrimary(ctx), id, langs, true) // with its version, read on the primary
}

// ProgrammeForEditor reads one programme whatever its status.
func (s *Store) ProgrammeForEditor(ctx context.Context, id string, langs []string) (*domain.Programme, error) {
	return s.programme(OnPrimary(ctx), id, langs, true) // with its version, read on the primary
}

// validityWindowHolds checks, on the locked row, that a write of one end of the validity window
// (valid_from or valid_until) leaves it in order with the stored other end: the body alone
// cannot tell, and the table's CHECK would otherwise answer with a 500.
func validityWindowHolds(ctx context.Context, tx *sqlx.Tx, q *editorSQL, id string, cols map[string]any) error {
	from, setFrom := cols["valid_from"]
	until, setUntil := cols["valid_until"]
	if !setFrom && !setUntil {
		return nil
	}
	var ok bool
	if err := tx.GetContext(ctx, &ok, q.validity, id, setUntil, sqlValue(until), setFrom, sqlValue(from)); err != nil {
		return err
	}
	if !ok {
		v := &domain.Invalid{}
		v.Add("valid_until", "before_start", nil)
		return v
	}
	return nil
}
