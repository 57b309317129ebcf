package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// ErrPreconditionFailed: the item changed since the version the writer read (If-Match).
var ErrPreconditionFailed = domain.ErrPreconditionFailed

// ContentWrite is one write to an item: language-neutral columns, the lists it owns, and the
// text of one language. Nil parts are left as they are.
type ContentWrite struct {
	Columns  map[string]any // column → value; nil writes NULL
	Sectors  *[]string
	Regions  *[]string
	Benefits *[]domain.Benefit
	Text     *TextWrite
}

// TextWrite is an item's text in one language. Nil parts keep what the language has; a new
// language needs the title, summary and description.
type TextWrite struct {
	Lang        string
	Title       *string // the title of an opportunity, the name of an incentive or programme
	Summary     *string
	Description *string
	HowToApply  *string // programmes only
}

// writableColumns are the language-neutral columns a ContentWrite may set, per kind; nothing
// else is ever written into SQL text.
var writableColumns = map[domain.Kind][]string{
	domain.KindOpportunity: {"region_code", "instrument", "min_investment", "max_investment", "currency", "jobs",
		"deadline", "investor_types", "contact_name", "contact_email", "contact_phone", "contact_url",
		"source_title", "source_url"},
	domain.KindIncentive: {"type", "legal_instrument", "legal_article", "legal_url", "valid_from", "valid_until",
		"investor_types", "min_investment", "max_investment", "investment_currency", "min_jobs", "residence_abroad",
		"source_title", "source_url"},
	domain.KindProgramme: {"type", "operator_id", "url", "max_amount", "max_amount_currency", "valid_from",
		"valid_until", "investor_types", "min_investment", "max_investment", "investment_currency", "min_jobs",
		"residence_abroad", "source_title", "source_url"},
}

func specOf(kind domain.Kind) kindSpec {
	switch kind {
	case domain.KindIncentive:
		return incentiveSpec
	case domain.KindProgramme:
		return programmeSpec
	}
	return opportunitySpec
}

// sortedColumns checks the columns of w against the kind's list and orders them, so the SQL
// text of equal writes is equal.
func sortedColumns(kind domain.Kind, cols map[string]any) ([]string, error) {
	names := make([]string, 0, len(cols))
	for name := range cols {
		ok := false
		for _, allowed := range writableColumns[kind] {
			ok = ok || allowed == name
		}
		if !ok {
			return nil, fmt.Errorf("column %q is not writable for %s", name, kind)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// sqlValue adapts Go values to lib/pq.
func sqlValue(v any) any {
	if list, ok := v.([]string); ok {
		return pq.Array(list)
	}
	return v
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

func itemWhere(idOrSlug string) (string, any) {
	if domain.IsID(idOrSlug) {
		return "c.id = $1::uuid", strings.ToLower(idOrSlug)
	}
	return "c.slug = $1", idOrSlug
}

func lockItem(ctx context.Context, tx *sqlx.Tx, k kindSpec, idOrSlug string) (*lockedItem, error) {
	where, arg := itemWhere(idOrSlug)
	var it lockedItem
	err := tx.GetContext(ctx, &it, `SELECT c.id, c.organization_id, o.verified, c.country_code, c.status, c.source_lang, c.version
		FROM `+k.table+` c JOIN organizations o ON o.id = c.organization_id WHERE `+where+` FOR UPDATE OF c`, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &it, err
}

// ItemAccess reads what the rules need to decide who may see an item, and its id.
func (s *Store) ItemAccess(ctx context.Context, kind domain.Kind, idOrSlug string) (string, domain.Owned, error) {
	k := specOf(kind)
	where, arg := itemWhere(idOrSlug)
	var it lockedItem
	err := s.db.GetContext(ctx, &it, `SELECT c.id, c.organization_id, o.verified, c.country_code, c.status, c.source_lang, c.version
		FROM `+k.table+` c JOIN organizations o ON o.id = c.organization_id WHERE `+where, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.Owned{}, ErrNotFound
	}
	return it.ID, it.owned(), err
}

// snapshot is an item's language-neutral fields, its lists, and (when lang is set) its text in
// that language, as the audit trail records them.
func snapshot(ctx context.Context, tx *sqlx.Tx, k kindSpec, id string, lang string) (map[string]any, error) {
	extra := `'sectors', ARRAY(SELECT sector_code FROM ` + k.singular + `_sectors s WHERE s.` + k.singular + `_id = c.id ORDER BY sector_code)`
	if k.scoped {
		extra += `, 'regions', ARRAY(SELECT region_code FROM ` + k.singular + `_regions r WHERE r.` + k.singular + `_id = c.id ORDER BY region_code)`
	}
	if k.kind == domain.KindIncentive {
		extra += `, 'benefits', (SELECT coalesce(jsonb_agg(to_jsonb(b) - 'incentive_id' ORDER BY b.position), '[]')
			FROM incentive_benefits b WHERE b.incentive_id = c.id)`
	}
	text, args := `'{}'::jsonb`, []any{id}
	if lang != "" {
		text = `coalesce((SELECT to_jsonb(t) - ARRAY['` + k.singular + `_id', 'lang', 'created_at', 'updated_at', 'updated_by']
			FROM ` + k.singular + `_translations t WHERE t.` + k.singular + `_id = c.id AND t.lang = $2), '{}')`
		args = append(args, lang)
	}
	return jsonSnapshot(ctx, tx, `SELECT (to_jsonb(c) - ARRAY['id', 'search_document', 'langs', 'created_at', 'updated_at',
			'version', 'source_changed_at']) || jsonb_build_object(`+extra+`) || `+text+`
		FROM `+k.table+` c WHERE c.id = $1`, args...)
}

// edit runs one write to an item in a transaction: it locks the item, asks the rules, checks
// the version the writer read (ifVersion, 0 for none), applies the change, and, if anything
// changed, bumps the version and appends the audit event. It returns the version after.
func (s *Store) edit(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, action domain.Action,
	ifVersion int, lang string, note *string, apply func(tx *sqlx.Tx, it *lockedItem) error) (int, error) {
	k := specOf(kind)
	version := 0
	itemID := ""
	write := func(tx *sqlx.Tx) error {
		it, err := lockItem(ctx, tx, k, idOrSlug)
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
		before, err := snapshot(ctx, tx, k, it.ID, lang)
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
		after, err := snapshot(ctx, tx, k, it.ID, lang)
		if err != nil {
			return err
		}
		changes := diff(before, after)
		if len(changes) == 0 {
			return nil // nothing changed: no new version, nothing to record
		}
		if err := tx.GetContext(ctx, &version, `UPDATE `+k.table+` SET version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING version`, it.ID); err != nil {
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
func (s *Store) CreateContent(ctx context.Context, kind domain.Kind, actor domain.Actor, orgID, country string, w ContentWrite) (string, error) {
	k := specOf(kind)
	if w.Text == nil {
		return "", errors.New("a new item needs its text")
	}
	cols, err := sortedColumns(kind, w.Columns)
	if err != nil {
		return "", err
	}
	var id string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var org struct {
			Country *string `db:"country_code"`
		}
		err := tx.GetContext(ctx, &org, `SELECT country_code FROM organizations WHERE id = $1 FOR SHARE`, orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if d := domain.DecideCreate(actor, orgID, deref(org.Country), country); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		var q query
		names := []string{"slug", "country_code", "organization_id", "source_lang"}
		values := []string{
			// A readable slug from the title, unique by a random suffix.
			"concat_ws('-', nullif(trim(both '-' from left(regexp_replace(lower(unaccent(" + q.arg(deref(w.Text.Title)) +
				")), '[^a-z0-9]+', '-', 'g'), 80)), ''), substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))",
			q.arg(country), q.arg(orgID), q.arg(w.Text.Lang),
		}
		if kind == domain.KindProgramme && w.Columns["operator_id"] == nil {
			names, values = append(names, "operator_id"), append(values, q.arg(orgID))
		}
		for _, name := range cols {
			if kind == domain.KindProgramme && name == "operator_id" && w.Columns[name] == nil {
				continue
			}
			names, values = append(names, name), append(values, q.arg(sqlValue(w.Columns[name])))
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO `+k.table+` (`+strings.Join(names, ", ")+`)
			VALUES (`+strings.Join(values, ", ")+`) RETURNING id`, q.args...); err != nil {
			return err
		}
		it := &lockedItem{ID: id, OrgID: orgID, Country: country, Status: domain.StatusDraft, SourceLang: w.Text.Lang}
		if err := writeLists(ctx, tx, k, it, w); err != nil {
			return err
		}
		if _, err := writeText(ctx, tx, k, it, actor.UserID, *w.Text); err != nil {
			return err
		}
		after, err := snapshot(ctx, tx, k, id, w.Text.Lang)
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, auditEvent{actor: actor.UserID, entity: k.singular, entityID: id, orgID: orgID,
			action: "create", lang: &w.Text.Lang, changes: diff(nil, after)})
	})
	return id, err
}

// UpdateContent changes an item's language-neutral fields and lists, and its text in one
// language when w.Text is set.
func (s *Store) UpdateContent(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, w ContentWrite) (int, error) {
	cols, err := sortedColumns(kind, w.Columns)
	if err != nil {
		return 0, err
	}
	k := specOf(kind)
	lang := ""
	if w.Text != nil {
		if w.Text.Lang == "" {
			// Text without a language is the source language's; an item's source never changes.
			where, arg := itemWhere(idOrSlug)
			err := s.db.GetContext(ctx, &w.Text.Lang, `SELECT c.source_lang FROM `+k.table+` c WHERE `+where, arg)
			if errors.Is(err, sql.ErrNoRows) {
				return 0, ErrNotFound
			}
			if err != nil {
				return 0, err
			}
		}
		lang = w.Text.Lang
	}
	return s.edit(ctx, kind, idOrSlug, actor, domain.ActionEdit, ifVersion, lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		if err := validityWindowHolds(ctx, tx, k.table, it.ID, w.Columns); err != nil {
			return err
		}
		if len(cols) > 0 {
			var q query
			sets := make([]string, len(cols))
			for i, name := range cols {
				sets[i] = name + " = " + q.arg(sqlValue(w.Columns[name]))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET `+strings.Join(sets, ", ")+` WHERE id = `+q.arg(it.ID),
				q.args...); err != nil {
				return err
			}
		}
		if err := writeLists(ctx, tx, k, it, w); err != nil {
			return err
		}
		if w.Text != nil {
			_, err := writeText(ctx, tx, k, it, actor.UserID, *w.Text)
			return err
		}
		return nil
	})
}

// writeLists replaces the sectors, regions and benefits the write names.
func writeLists(ctx context.Context, tx *sqlx.Tx, k kindSpec, it *lockedItem, w ContentWrite) error {
	if w.Sectors != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.singular+`_sectors WHERE `+k.singular+`_id = $1`, it.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+k.singular+`_sectors (`+k.singular+`_id, sector_code)
			SELECT $1, unnest($2::text[])`, it.ID, pq.Array(*w.Sectors)); err != nil {
			return err
		}
	}
	if w.Regions != nil && k.scoped {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.singular+`_regions WHERE `+k.singular+`_id = $1`, it.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+k.singular+`_regions (`+k.singular+`_id, country_code, region_code)
			SELECT $1, $2, unnest($3::text[])`, it.ID, it.Country, pq.Array(*w.Regions)); err != nil {
			return err
		}
	}
	if w.Benefits != nil && k.kind == domain.KindIncentive {
		if _, err := tx.ExecContext(ctx, `DELETE FROM incentive_benefits WHERE incentive_id = $1`, it.ID); err != nil {
			return err
		}
		for i, b := range *w.Benefits {
			var amount, currency *string
			if b.Amount != nil {
				amount, currency = &b.Amount.Amount, &b.Amount.Currency
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO incentive_benefits
				(incentive_id, position, kind, tax, percent, cap_percent_of_tax, duration_years, amount, currency)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				it.ID, i+1, b.Kind, b.Tax, b.Percent, b.CapPercentOfTax, b.DurationYears, amount, currency); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeText writes one language's text, recording its author; it reports whether the
// translation is new. A change of the source language's text makes the other translations
// stale.
func writeText(ctx context.Context, tx *sqlx.Tx, k kindSpec, it *lockedItem, actorID string, t TextWrite) (created bool, err error) {
	table := k.singular + "_translations"
	var cur struct {
		Title       string `db:"title"`
		Summary     string `db:"summary"`
		Description string `db:"description"`
		HowToApply  string `db:"how_to_apply"`
	}
	howTo := "''"
	if k.kind == domain.KindProgramme {
		howTo = "how_to_apply"
	}
	err = tx.GetContext(ctx, &cur, `SELECT `+k.titleCol+` AS title, summary, description, `+howTo+` AS how_to_apply
		FROM `+table+` WHERE `+k.singular+`_id = $1 AND lang = $2`, it.ID, t.Lang)
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
	cols, vals := k.titleCol+", summary, description", "$3, $4, $5"
	args := []any{it.ID, t.Lang, pick(t.Title, cur.Title), pick(t.Summary, cur.Summary), pick(t.Description, cur.Description),
		nullUUID(actorID)}
	if k.kind == domain.KindProgramme {
		cols, vals = cols+", how_to_apply", vals+", $7"
		args = append(args, pick(t.HowToApply, cur.HowToApply))
	}
	excluded := "EXCLUDED." + strings.ReplaceAll(cols, ", ", ", EXCLUDED.")
	var inserted []bool
	if err := tx.SelectContext(ctx, &inserted, `
		INSERT INTO `+table+` AS t (`+k.singular+`_id, lang, `+cols+`, updated_by) VALUES ($1, $2, `+vals+`, $6)
		ON CONFLICT (`+k.singular+`_id, lang) DO UPDATE SET (`+cols+`, updated_by, updated_at) =
			(`+excluded+`, EXCLUDED.updated_by, now())
		WHERE (`+prefixed("t.", cols)+`) IS DISTINCT FROM (`+excluded+`)
		RETURNING xmax = 0`, args...); err != nil {
		return false, err
	}
	if len(inserted) == 1 && t.Lang == it.SourceLang {
		if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET source_changed_at = now() WHERE id = $1`, it.ID); err != nil {
			return false, err
		}
	}
	return len(inserted) == 1 && inserted[0], nil
}

func prefixed(prefix, cols string) string {
	return prefix + strings.ReplaceAll(cols, ", ", ", "+prefix)
}

// PutTranslation writes (or replaces) an item's text in one language; created reports a new
// language.
func (s *Store) PutTranslation(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, t TextWrite) (version int, created bool, err error) {
	k := specOf(kind)
	version, err = s.edit(ctx, kind, idOrSlug, actor, domain.ActionTranslate, ifVersion, t.Lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		var err error
		created, err = writeText(ctx, tx, k, it, actor.UserID, t)
		return err
	})
	return version, created, err
}

// ErrSourceLanguage: the source language's text cannot be deleted.
var ErrSourceLanguage = domain.ErrSourceLanguage

// DeleteTranslation removes one language other than the source; ErrNotFound when the item has
// no text in it.
func (s *Store) DeleteTranslation(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int, lang string) (int, error) {
	k := specOf(kind)
	return s.edit(ctx, kind, idOrSlug, actor, domain.ActionDeleteTranslation, ifVersion, lang, nil, func(tx *sqlx.Tx, it *lockedItem) error {
		if lang == it.SourceLang {
			return ErrSourceLanguage
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+k.singular+`_translations WHERE `+k.singular+`_id = $1 AND lang = $2`, it.ID, lang)
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
	k := specOf(kind)
	t, ok := domain.Transitions[action]
	if !ok {
		return 0, fmt.Errorf("%s is not a transition", action)
	}
	return s.edit(ctx, kind, idOrSlug, actor, action, ifVersion, "", reason, func(tx *sqlx.Tx, it *lockedItem) error {
		set := "status = $2"
		switch action {
		case domain.ActionSubmit:
			set += ", submitted_at = now(), review_note = NULL"
		case domain.ActionPublish:
			set += ", published_at = coalesce(published_at, now()), review_note = NULL"
		case domain.ActionReject:
			set += ", submitted_at = NULL, review_note = $3"
		}
		args := []any{it.ID, t.To}
		if action == domain.ActionReject {
			args = append(args, reason)
		}
		_, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET `+set+` WHERE id = $1`, args...)
		return err
	})
}

// DeleteContent deletes a draft and everything it owns; its audit trail stays.
func (s *Store) DeleteContent(ctx context.Context, kind domain.Kind, idOrSlug string, actor domain.Actor, ifVersion int) error {
	k := specOf(kind)
	_, err := s.edit(ctx, kind, idOrSlug, actor, domain.ActionDelete, ifVersion, "", nil, func(tx *sqlx.Tx, it *lockedItem) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE id = $1`, it.ID)
		return err
	})
	return err
}

// Editorial reads the side of an item only its editors see: version, status, review note and
// its translations with their authors and staleness.
func (s *Store) Editorial(ctx context.Context, kind domain.Kind, id string) (*domain.Editorial, error) {
	k := specOf(kind)
	var e struct {
		Version     int        `db:"version"`
		Status      string     `db:"status"`
		ReviewNote  *string    `db:"review_note"`
		SubmittedAt *time.Time `db:"submitted_at"`
		CreatedAt   time.Time  `db:"created_at"`
		AsOf        *time.Time `db:"as_of"`
	}
	err := s.db.GetContext(ctx, &e, `SELECT version, status, review_note, submitted_at, created_at, as_of FROM `+k.table+` WHERE id = $1`, id)
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
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT t.lang, t.updated_at, t.updated_by, u.display_name,
			(t.lang <> c.source_lang AND t.updated_at < c.source_changed_at) AS stale
		FROM `+k.singular+`_translations t JOIN `+k.table+` c ON c.id = t.`+k.singular+`_id
		LEFT JOIN users u ON u.id = t.updated_by
		WHERE t.`+k.singular+`_id = $1 ORDER BY t.lang = c.source_lang DESC, t.lang`, id); err != nil {
		return nil, err
	}
	out := &domain.Editorial{Version: e.Version, Status: e.Status, ReviewNote: e.ReviewNote, SubmittedAt: e.SubmittedAt,
		CreatedAt: e.CreatedAt, AsOf: e.AsOf, Translations: make([]domain.Translation, len(rows))}
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
	return s.opportunity(ctx, id, langs, true)
}

// IncentiveForEditor reads one incentive whatever its status.
func (s *Store) IncentiveForEditor(ctx context.Context, id string, langs []string) (*domain.Incentive, error) {
	return s.incentive(ctx, id, langs, true)
}

// ProgrammeForEditor reads one programme whatever its status.
func (s *Store) ProgrammeForEditor(ctx context.Context, id string, langs []string) (*domain.Programme, error) {
	return s.programme(ctx, id, langs, true)
}

// validityWindowHolds checks, on the locked row, that a write of one end of the validity window
// (valid_from or valid_until) leaves it in order with the stored other end: the body alone
// cannot tell, and the table's CHECK would otherwise answer with a 500.
func validityWindowHolds(ctx context.Context, tx *sqlx.Tx, table, id string, cols map[string]any) error {
	from, setFrom := cols["valid_from"]
	until, setUntil := cols["valid_until"]
	if !setFrom && !setUntil {
		return nil
	}
	var ok bool
	// table is one of the kinds' constant table names, never input.
	err := tx.GetContext(ctx, &ok, `SELECT u IS NULL OR f IS NULL OR u >= f FROM (
		SELECT CASE WHEN $2 THEN $3::date ELSE valid_until END AS u, CASE WHEN $4 THEN $5::date ELSE valid_from END AS f
		FROM `+table+` WHERE id = $1) w`, id, setUntil, sqlValue(until), setFrom, sqlValue(from))
	if err != nil {
		return err
	}
	if !ok {
		v := &domain.Invalid{}
		v.Add("valid_until", "before_start", nil)
		return v
	}
	return nil
}
