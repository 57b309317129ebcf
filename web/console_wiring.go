package web

// The console's services: the use cases of app/ (agencies, interests) that the JSON API calls,
// and the few reads that have no use case yet (who the user is for the rules, an
// organization's members, its audit trail, pending applications), made here as the API's
// handlers make them, after the same domain decision.

import (
	"context"

	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// ConsoleServices are what the agencies' console calls.
type ConsoleServices struct {
	store     *repository.Store
	agencies  *agencies.Service
	interests *interests.Service
	editorial *editorial.Service
	catalogue *catalogue.Service
}

// NewConsoleServices builds the console's services over the store.
func NewConsoleServices(store *repository.Store) *ConsoleServices {
	return &ConsoleServices{store: store, agencies: agencies.New(store), interests: interests.New(store),
		editorial: editorial.New(store, editorial.FileLanguages()), catalogue: catalogue.New(store, store, nil)}
}

// actor is the user with their memberships, for the rules (as api/editor.go's actor).
func (cs *ConsoleServices) actor(ctx context.Context, u *domain.User) (domain.Actor, error) {
	return cs.editorial.Actor(ctx, u)
}

func (cs *ConsoleServices) memberships(ctx context.Context, userID string) ([]domain.MembershipRecord, error) {
	return cs.store.Memberships(ctx, userID)
}

// organization reads an organization that actor may see (as api/organizations.go's
// getOrganization): another's unverified application does not exist for them.
func (cs *ConsoleServices) organization(ctx context.Context, actor domain.Actor, id string) (*domain.OrgDetail, error) {
	return cs.agencies.Organization(ctx, &actor, id)
}

// members lists an organization's members (as api/organizations.go's listMembers).
func (cs *ConsoleServices) members(ctx context.Context, actor domain.Actor, org *domain.OrgDetail) ([]domain.Member, error) {
	return cs.agencies.Members(ctx, actor, org.ID)
}

// orgHistory is an organization's own audit trail, oldest first (as api/editor.go's
// orgHistory, limited to the organization's events).
func (cs *ConsoleServices) orgHistory(ctx context.Context, actor domain.Actor, org *domain.OrgDetail, limit int) ([]domain.AuditEvent, error) {
	if d := domain.DecideOrg(actor, domain.OrgContent, org.ID, org.Verified); d != domain.Allowed {
		return nil, domain.Denied{Decision: d}
	}
	events, _, err := cs.store.History(ctx, org.ID, "", 0, limit)
	return events, err
}

// pending lists the applications waiting for verification, oldest first (administrators).
func (cs *ConsoleServices) pending(ctx context.Context, actor domain.Actor, limit int) ([]domain.OrgDetail, error) {
	if !actor.Admin {
		return nil, domain.Denied{Decision: domain.AdminOnly}
	}
	orgs, _, err := cs.store.Organizations(ctx, repository.OrgFilter{Pending: true, Limit: limit})
	return orgs, err
}

// unreadCap bounds the unread count shown in the navigation ("99+").
const unreadCap = 99

// unread counts the organization's interests not opened yet, up to unreadCap+1.
func (cs *ConsoleServices) unread(ctx context.Context, actor domain.Actor, orgID string) (int, error) {
	list, err := cs.interests.Inbox(ctx, actor, orgID)
	if err != nil {
		return 0, err
	}
	rows, _, err := cs.interests.Page(ctx, list, interests.Page{Status: domain.InterestSent, Limit: unreadCap + 1})
	return len(rows), err
}

// contentPage is one page of an organization's content (or of the review queue), with the
// editorial side of each item for its language gaps.
type contentRow struct {
	domain.ContentSummary
	Translations []domain.Translation
}

// contentQuery selects content for editors: kinds and status (empty: all), a language gap
// ("missing-xx": no text in xx; "stale": a translation older than the source's last change).
type contentQuery struct {
	OrgID  string
	Review bool
	Kinds  []domain.Kind
	Status string
	Gap    string
	After  *domain.Cursor
	Limit  int
	Langs  []string
}

// content reads one page of content for editors (as api/organizations.go's orgContent and
// reviewQueue decide who may), keeping the items with the language gap asked for: it reads
// the store's pages until the page is full, and the next cursor is the last item examined.
func (cs *ConsoleServices) content(ctx context.Context, actor domain.Actor, org *domain.OrgDetail, q contentQuery) ([]contentRow, *domain.Cursor, error) {
	// The use cases decide who may read the page (the review queue: administrators).
	fetch := cs.editorial.ReviewQueue
	if !q.Review {
		fetch = func(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
			return cs.editorial.OrgContent(ctx, actor, org.ID, f)
		}
	}
	f := domain.SummaryFilter{Review: q.Review, Kinds: q.Kinds, Status: q.Status, After: q.After, Limit: q.Limit, Langs: q.Langs}
	if org != nil {
		f.OrgID = org.ID
	}
	var out []contentRow
	var last *domain.Cursor
	for examined := 0; examined < 500; {
		rows, next, err := fetch(ctx, actor, f)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			examined++
			sortAt := r.UpdatedAt
			if q.Review && r.SubmittedAt != nil {
				sortAt = *r.SubmittedAt
			}
			last = &domain.Cursor{PublishedAt: sortAt, ID: r.ID}
			ed, err := cs.editorial.Editorial(ctx, r.Kind, r.ID)
			if err != nil {
				return nil, nil, err
			}
			if !hasGap(r, ed.Translations, q.Gap) {
				continue
			}
			out = append(out, contentRow{ContentSummary: r, Translations: ed.Translations})
			if len(out) == q.Limit {
				return out, last, nil
			}
		}
		if next == nil {
			return out, nil, nil
		}
		f.After = next
	}
	// Past this many items without a full page, the page ends here and the next one goes on.
	return out, last, nil
}

func hasGap(r domain.ContentSummary, translations []domain.Translation, gap string) bool {
	switch {
	case gap == "":
		return true
	case gap == "stale":
		for _, t := range translations {
			if t.Stale {
				return true
			}
		}
		return false
	case len(gap) > 8 && gap[:8] == "missing-":
		for _, l := range r.Langs {
			if l == gap[8:] {
				return false
			}
		}
		return true
	}
	return true
}

// editorText is one language's text of an item as its editors see it, whatever its status.
type editorText struct {
	Lang, Title, Summary, Description, HowToApply string
	Langs                                         []string
	SourceLang                                    string
	Item                                          any // *domain.Opportunity, *domain.Incentive or *domain.Programme
}

// itemForEditor reads an item in any status in lang (the store falls back to another language
// when it has none in lang: Lang says which).
func (cs *ConsoleServices) itemForEditor(ctx context.Context, kind domain.Kind, id, lang string) (*editorText, error) {
	langs := []string{lang}
	switch kind {
	case domain.KindIncentive:
		it, err := cs.editorial.IncentiveDraft(ctx, id, langs)
		if err != nil {
			return nil, err
		}
		return &editorText{Lang: it.Lang, Langs: it.Langs, SourceLang: it.SourceLang, Title: it.Name, Summary: it.Summary,
			Description: it.Description, Item: it}, nil
	case domain.KindProgramme:
		it, err := cs.editorial.ProgrammeDraft(ctx, id, langs)
		if err != nil {
			return nil, err
		}
		return &editorText{Lang: it.Lang, Langs: it.Langs, SourceLang: it.SourceLang, Title: it.Name, Summary: it.Summary,
			Description: it.Description, HowToApply: it.HowToApply, Item: it}, nil
	}
	it, err := cs.editorial.OpportunityDraft(ctx, id, langs)
	if err != nil {
		return nil, err
	}
	return &editorText{Lang: it.Lang, Langs: it.Langs, SourceLang: it.SourceLang, Title: it.Title, Summary: it.Summary,
		Description: it.Description, Item: it}, nil
}
