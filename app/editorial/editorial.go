// Package editorial holds the use cases of the editorial workflow, the one write path for the
// three kinds of content (opportunities, incentives, programmes): creating a draft, changing
// its fields and text, translating it, moving it along the workflow (submit, publish, reject,
// archive), deleting a draft, and reading what only its editors see (the editorial block and
// the audit trail). Each use case checks its input into a normalized domain.ContentChange,
// and the store writes it in one transaction that locks the item, asks domain.Decide on the
// locked row, checks the version the writer read, and records the audit event. It knows
// nothing of HTTP or SQL.
package editorial

import (
	"context"
	"errors"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/seed"
)

// Store is what these use cases need of the database. The writes decide who may act with
// domain.Decide inside their transaction, on the locked row.
type Store interface {
	Actor(ctx context.Context, user *domain.User) (domain.Actor, error)
	ItemAccess(ctx context.Context, kind domain.Kind, idOrSlug string) (string, domain.Owned, error)
	SourceLang(ctx context.Context, kind domain.Kind, id string) (string, error)
	CreateContent(ctx context.Context, kind domain.Kind, actor domain.Actor, orgID, country string, c domain.ContentChange) (string, error)
	UpdateContent(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int, c domain.ContentChange) (int, error)
	PutTranslation(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int, t domain.TextChange) (int, bool, error)
	DeleteTranslation(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int, lang string) (int, error)
	MarkTranslationReviewed(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int, lang string) (int, error)
	Transition(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int, action domain.Action, reason *string) (int, error)
	DeleteContent(ctx context.Context, kind domain.Kind, id string, actor domain.Actor, ifVersion int) error
	Editorial(ctx context.Context, kind domain.Kind, id string) (*domain.Editorial, error)
	History(ctx context.Context, entityID, orgID string, after int64, limit int) ([]domain.AuditEvent, bool, error)
	OlderHistory(ctx context.Context, entityID, orgID string, before int64, limit int) ([]domain.AuditEvent, bool, error)
	ContentGaps(ctx context.Context, f domain.SummaryFilter, missing string, stale bool) ([]domain.ContentSummary, [][]string, *domain.Cursor, error)
	LoadSeed(ctx context.Context, c *seed.Content) error
	ImportCountry(ctx context.Context, f *seed.CountryFile, dryRun bool) ([]seed.Change, error)

	CountryExists(ctx context.Context, code string) (bool, error)
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
	UnknownRegions(ctx context.Context, country string, codes []string) ([]string, error)
	Organization(ctx context.Context, id string) (*domain.OrgDetail, error)
	ContentSummaries(ctx context.Context, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error)
	OpportunityForEditor(ctx context.Context, id string, langs []string) (*domain.Opportunity, error)
	IncentiveForEditor(ctx context.Context, id string, langs []string) (*domain.Incentive, error)
	ProgrammeForEditor(ctx context.Context, id string, langs []string) (*domain.Programme, error)
}

// Languages are the languages content is written in.
type Languages struct {
	// Match returns the supported language a tag stands for, if any.
	Match func(tag string) (string, bool)
	// Codes lists them, for error messages.
	Codes []string
}

// Service runs the use cases over a store.
type Service struct {
	store Store
	langs Languages
}

// New returns the use cases over store, for content in langs.
func New(store Store, langs Languages) *Service { return &Service{store: store, langs: langs} }

// Item is an item a use case acts on: its id and what the rules need to know of it.
type Item struct {
	ID    string
	Owned domain.Owned
}

// Actor is the user with their memberships, for the rules.
func (s *Service) Actor(ctx context.Context, user *domain.User) (domain.Actor, error) {
	return s.store.Actor(ctx, user)
}

// Target finds an item the actor may at least see (ErrNotFound, or a Denied decision,
// otherwise). Its country is needed to check a change before the write.
func (s *Service) Target(ctx context.Context, actor domain.Actor, kind domain.Kind, idOrSlug string) (Item, error) {
	id, owned, err := s.store.ItemAccess(ctx, kind, idOrSlug)
	if err != nil {
		return Item{}, err
	}
	if d := domain.Decide(actor, domain.ActionView, owned); d != domain.Allowed {
		return Item{}, domain.Denied{Decision: d}
	}
	return Item{ID: id, Owned: owned}, nil
}

// Create checks a draft and records it in the name of its organization (the one named, else
// the actor's only organization of its country), and returns its id.
func (s *Service) Create(ctx context.Context, actor domain.Actor, kind domain.Kind, in domain.ContentChange) (string, error) {
	c, err := s.check(ctx, kind, in, true, "")
	if err != nil {
		return "", err
	}
	country := c.Country.Value
	orgID, err := organizationFor(actor, in.Organization, country)
	if err != nil {
		return "", err
	}
	id, err := s.store.CreateContent(ctx, kind, actor, orgID, country, c)
	if errors.Is(err, domain.ErrNotFound) {
		return "", invalidField("organization_id", "unknown_organization")
	}
	return id, err
}

// Patch changes an item's language-neutral fields, and its text in one language (the source
// language when the change names none). ifVersion is the version the writer read (0: any). It
// returns the language of the text written, "" when none.
func (s *Service) Patch(ctx context.Context, actor domain.Actor, kind domain.Kind, it Item, ifVersion int, in domain.ContentChange) (string, error) {
	if it.Owned.Country == "" {
		return "", errors.New("editorial: a change needs the item's country")
	}
	c, err := s.check(ctx, kind, in, false, it.Owned.Country)
	if err != nil {
		return "", err
	}
	if c.HasText() && !c.Lang.Set {
		// Text without a language is the source language's; an item's source never changes.
		lang, err := s.store.SourceLang(ctx, kind, it.ID)
		if err != nil {
			return "", err
		}
		c.Lang = domain.Some(lang)
	}
	_, err = s.store.UpdateContent(ctx, kind, it.ID, actor, ifVersion, c)
	if errors.Is(err, domain.ErrTranslationNotFound) {
		return "", invalidField("lang", "no_such_translation")
	}
	if err != nil || !c.HasText() {
		return "", err
	}
	return c.Lang.Value, nil
}

// PutTranslation writes or replaces the whole text of one language (a supported language,
// checked by the caller) and leaves the others as they are; created reports a new language.
func (s *Service) PutTranslation(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, t domain.TextChange) (created bool, err error) {
	if t, err = checkTranslation(kind, t); err != nil {
		return false, err
	}
	_, created, err = s.store.PutTranslation(ctx, kind, id, actor, ifVersion, t)
	return created, err
}

// DeleteTranslation removes one language other than the source, and returns the version after.
func (s *Service) DeleteTranslation(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, lang string) (int, error) {
	return s.store.DeleteTranslation(ctx, kind, id, actor, ifVersion, lang)
}

// Transition moves an item along the workflow: submit, publish, reject (with a reason shown
// to its organization) or archive.
func (s *Service) Transition(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, action domain.Action, reason string) error {
	var note *string
	if action == domain.ActionReject {
		var v domain.Invalid
		t, ok := checkText(&v, "reason", domain.Some(reason), 1, maxReason)
		if err := v.Err(); err != nil {
			return err
		}
		if ok {
			note = &t
		}
	}
	_, err := s.store.Transition(ctx, kind, id, actor, ifVersion, action, note)
	return err
}

// Delete deletes a draft and everything it owns; its audit trail stays.
func (s *Service) Delete(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int) error {
	return s.store.DeleteContent(ctx, kind, id, actor, ifVersion)
}

// OpportunityDraft, IncentiveDraft and ProgrammeDraft read an item in any status, in the first
// of langs it has, for a reader that Target or EditorFor found to be its editor.
func (s *Service) OpportunityDraft(ctx context.Context, id string, langs []string) (*domain.Opportunity, error) {
	return s.store.OpportunityForEditor(ctx, id, langs)
}

func (s *Service) IncentiveDraft(ctx context.Context, id string, langs []string) (*domain.Incentive, error) {
	return s.store.IncentiveForEditor(ctx, id, langs)
}

func (s *Service) ProgrammeDraft(ctx context.Context, id string, langs []string) (*domain.Programme, error) {
	return s.store.ProgrammeForEditor(ctx, id, langs)
}

// Editorial reads the side of an item only its editors see.
func (s *Service) Editorial(ctx context.Context, kind domain.Kind, id string) (*domain.Editorial, error) {
	return s.store.Editorial(ctx, kind, id)
}

// EditorFor tells whether user (nil: anonymous) edits the item, and whether they may see it at
// all; id is the item's when known.
func (s *Service) EditorFor(ctx context.Context, user *domain.User, kind domain.Kind, idOrSlug string) (id string, editor, visible bool, err error) {
	if user == nil {
		return "", false, true, nil
	}
	actor, err := s.store.Actor(ctx, user)
	if err != nil {
		return "", false, false, err
	}
	if !actor.Admin && len(actor.Orgs) == 0 {
		return "", false, true, nil // an investor edits nothing: the public read answers
	}
	id, owned, err := s.store.ItemAccess(ctx, kind, idOrSlug)
	if errors.Is(err, domain.ErrNotFound) {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, err
	}
	if domain.Decide(actor, domain.ActionHistory, owned) == domain.Allowed {
		return id, true, true, nil
	}
	return id, false, domain.Public(owned.Status), nil
}

// HistoryTarget finds an item whose audit trail the actor may read.
func (s *Service) HistoryTarget(ctx context.Context, actor domain.Actor, kind domain.Kind, idOrSlug string) (Item, error) {
	it, err := s.Target(ctx, actor, kind, idOrSlug)
	if err != nil {
		return Item{}, err
	}
	if d := domain.Decide(actor, domain.ActionHistory, it.Owned); d != domain.Allowed {
		return Item{}, domain.Denied{Decision: d}
	}
	return it, nil
}

// History reads one page of the audit trail of an item (entityID) or of an organization
// (orgID), after the event numbered after; more reports a next page.
func (s *Service) History(ctx context.Context, entityID, orgID string, after int64, limit int) (events []domain.AuditEvent, more bool, err error) {
	return s.store.History(ctx, entityID, orgID, after, limit)
}

// organizationFor picks the organization a new item is posted in the name of: the one named,
// else the actor's only organization of that country.
func organizationFor(a domain.Actor, named domain.Opt[string], country string) (string, error) {
	if named.Set {
		if !domain.IsID(named.Value) {
			return "", invalidField("organization_id", "unknown_organization")
		}
		return strings.ToLower(named.Value), nil
	}
	found := ""
	for id, m := range a.Orgs {
		if m.Country == country || m.Country == "" {
			if found != "" {
				return "", invalidField("organization_id", "required")
			}
			found = id
		}
	}
	if found == "" {
		if a.Admin {
			return "", invalidField("organization_id", "required")
		}
		return "", domain.Denied{Decision: domain.NotAMember}
	}
	return found, nil
}

func invalidField(name, code string) error {
	v := &domain.Invalid{}
	v.Add(name, code, nil)
	return v
}
