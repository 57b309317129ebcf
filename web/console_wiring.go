package web

// The console's services: the use cases of app/ (agencies, editorial, interests, catalogue)
// that the JSON API calls. Every read and write goes through one of them, which decides who may:
// the console never reads the store itself.

import (
	"context"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// ConsoleServices are what the agencies' console calls.
type ConsoleServices struct {
	agencies  *agencies.Service
	interests *interests.Service
	editorial *editorial.Service
	catalogue *catalogue.Service
}

// NewConsoleServices builds the console's use cases over the store.
func NewConsoleServices(store *repository.Store) *ConsoleServices {
	return &ConsoleServices{agencies: agencies.New(store), interests: interests.New(store),
		editorial: editorial.New(store, editorial.FileLanguages()), catalogue: catalogue.New(store, store, nil)}
}

// actor is the user with their memberships, for the rules (as api/editor.go's actor).
func (cs *ConsoleServices) actor(ctx context.Context, u *domain.User) (domain.Actor, error) {
	return cs.editorial.Actor(ctx, u)
}

// memberships lists the actor's own organizations, for the switcher.
func (cs *ConsoleServices) memberships(ctx context.Context, actor domain.Actor) ([]domain.MembershipRecord, error) {
	return cs.agencies.Memberships(ctx, actor, actor.UserID)
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

// historyPageSize is how many events a page of an audit trail shows.
const historyPageSize = 200

// orgHistory is one page of an organization's audit trail (with its content's), newest first,
// before the event id before (0: the newest).
func (cs *ConsoleServices) orgHistory(ctx context.Context, actor domain.Actor, org *domain.OrgDetail, before int64) ([]domain.AuditEvent, bool, error) {
	return cs.editorial.OrganizationHistory(ctx, actor, org.ID, before, historyPageSize)
}

// pending lists one page of the applications waiting for verification, oldest first
// (administrators), after the application of the cursor.
func (cs *ConsoleServices) pending(ctx context.Context, actor domain.Actor, after *domain.Cursor, limit int) ([]domain.OrgDetail, *domain.Cursor, error) {
	f := domain.OrgFilter{Limit: limit}
	if after != nil {
		f.AfterKey, f.AfterID = after.PublishedAt.Format(time.RFC3339Nano), after.ID
	}
	orgs, more, err := cs.agencies.PendingOrganizations(ctx, actor, f)
	if err != nil || !more {
		return orgs, nil, err
	}
	last := orgs[len(orgs)-1]
	return orgs, &domain.Cursor{PublishedAt: last.CreatedAt, ID: last.ID}, nil
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

// contentQuery selects content for editors: kinds and status (empty: all), a language gap
// ("missing-xx": no text in xx; "stale": a translation older than the source's last change).
type contentQuery struct {
	Review bool
	Kinds  []domain.Kind
	Status string
	Gap    string
	After  *domain.Cursor
	Limit  int
	Langs  []string
}

// content reads one page of content for editors with its language gap, in one read (the use
// case decides who may: the organization's members and administrators, the review queue's
// administrators).
func (cs *ConsoleServices) content(ctx context.Context, actor domain.Actor, org *domain.OrgDetail, q contentQuery) ([]editorial.ContentRow, *domain.Cursor, error) {
	f := domain.SummaryFilter{Review: q.Review, Kinds: q.Kinds, Status: q.Status, After: q.After, Limit: q.Limit, Langs: q.Langs}
	if org != nil {
		f.OrgID = org.ID
	}
	gap := editorial.Gap{Stale: q.Gap == "stale"}
	if lang, ok := strings.CutPrefix(q.Gap, "missing-"); ok {
		gap.Missing = lang
	}
	return cs.editorial.ContentPage(ctx, actor, f, gap)
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
