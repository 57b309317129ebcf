package api

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/domain"
)

type orgDetailJSON struct {
	orgRefJSON
	Type       coded      `json:"type"`
	Country    *string    `json:"country"`
	Website    *string    `json:"website"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	CreatedAt  time.Time  `json:"created_at"`
	// Role is the reader's own role in it, when they belong to it.
	Role *coded `json:"role,omitempty"`
}

func (v *view) orgDetail(o *domain.OrgDetail, a *domain.Actor) orgDetailJSON {
	out := orgDetailJSON{orgRefJSON: orgRef(o.OrgRef), Type: v.label(domain.OrgTypes, o.Type), Country: o.Country,
		Website: o.Website, Verified: o.Verified, VerifiedAt: utc(o.VerifiedAt), CreatedAt: o.CreatedAt.UTC()}
	if a != nil {
		if m, ok := a.Orgs[o.ID]; ok {
			role := v.label(domain.MemberRoles, m.Role)
			out.Role = &role
		}
	}
	return out
}

type memberJSON struct {
	UserID  string    `json:"user_id"`
	Email   string    `json:"email"`
	Name    string    `json:"name"`
	Role    coded     `json:"role"`
	AddedAt time.Time `json:"added_at"`
}

func (v *view) member(m domain.Member) memberJSON {
	return memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: v.label(domain.MemberRoles, m.Role), AddedAt: m.AddedAt.UTC()}
}

type applicationInput struct {
	Name    string  `json:"name"`
	Acronym *string `json:"acronym"`
	Country string  `json:"country"`
	Type    string  `json:"type"`
	Website *string `json:"website"`
}

// createOrganization: POST /v1/organizations. The applicant becomes its first owner; it is
// unverified, so it can draft but not publish, until an administrator verifies it.
func (s *server) createOrganization(c *fiber.Ctx) error {
	user, in, err := writeOf[applicationInput](s, c, "acronym", "website")
	if err != nil {
		return err
	}
	id, err := s.agencies.Apply(c.UserContext(), user, domain.OrgApplication(in))
	if err != nil {
		return writeError(err, "organization")
	}
	c.Location(s.link("/v1/organizations/" + id))
	return s.sendOrganization(c, id, fiber.StatusCreated)
}

// sendOrganization answers the organization as the reader may see it.
func (s *server) sendOrganization(c *fiber.Ctx, id string, status int) error {
	var actor *domain.Actor
	if tokenUser(c) != nil {
		a, err := s.actor(c)
		if err != nil {
			return err
		}
		actor = &a
	}
	org, err := s.agencies.Organization(c.UserContext(), actor, id)
	if err != nil {
		return writeError(err, "organization")
	}
	v := s.newView(requestPrefs(c))
	body := v.orgDetail(org, actor)
	if actor == nil && org.Verified {
		s.publicRead(c, v)
	} else {
		s.private(c, v)
	}
	c.Status(status)
	return s.sendJSON(c, body)
}

// orgFor reads {id} and checks that the signed-in user may do action to it.
func (s *server) orgFor(c *fiber.Ctx, action domain.OrgAction, write bool) (*domain.OrgDetail, domain.Actor, error) {
	var actor domain.Actor
	var err error
	if write {
		actor, err = s.writeActor(c)
	} else {
		actor, err = s.actor(c)
	}
	if err != nil {
		return nil, actor, err
	}
	org, err := s.agencies.Authorized(c.UserContext(), actor, c.Params("id"), action)
	if err != nil {
		return nil, actor, writeError(err, "organization")
	}
	return org, actor, nil
}

// getOrganization: GET /v1/organizations/{id}: public once verified, else for its members
// and administrators.
func (s *server) getOrganization(c *fiber.Ctx) error {
	return s.sendOrganization(c, c.Params("id"), fiber.StatusOK)
}

// directoryParams are the parameters of the directory, in the order their errors are listed.
var directoryParams = []string{"limit", "type", "country", "status", "cursor"}

// listOrganizations: GET /v1/organizations, the directory of verified organizations by name;
// administrators ask status=pending for the applications to verify.
func (s *server) listOrganizations(c *fiber.Ctx) error {
	q := &queryParams{c: c}
	f, err := s.catalogue.DirectoryFilter(c.UserContext(), catalogue.DirectoryQuery{Limit: q.one("limit"),
		Type: q.one("type"), Country: q.one("country"), Status: q.one("status"), Cursor: q.one("cursor")})
	if err := queryProblem(byParams(directoryParams), q.fields, err); err != nil {
		return err
	}
	var user *domain.User
	if f.Pending {
		if user, err = requireUser(c); err != nil {
			return err
		}
	}
	orgs, next, err := s.catalogue.Directory(c.UserContext(), user, f)
	if err != nil {
		return writeError(err, "")
	}
	v := s.newView(requestPrefs(c))
	items := make([]orgDetailJSON, len(orgs))
	for i := range orgs {
		items[i] = v.orgDetail(&orgs[i], nil)
	}
	if f.Pending {
		return sendPrivateList(s, c, v, items, next)
	}
	return sendList(s, c, v, items, next, nil)
}

// sendPrivateList writes a list about the signed-in user's own affairs.
func sendPrivateList[T any](s *server, c *fiber.Ctx, v *view, items []T, next *domain.Cursor) error {
	return s.sendPrivate(c, v, listPage(s, c, items, next))
}

// verifyOrganization: POST /v1/organizations/{id}/verify or …/unverify (administrators).
func (s *server) verifyOrganization(verified bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := changeAs(c, "organization", s.writeActor, func(ctx context.Context, actor domain.Actor) (string, error) {
			return s.agencies.Verify(ctx, actor, c.Params("id"), verified)
		})
		if err != nil {
			return err
		}
		return s.sendOrganization(c, id, fiber.StatusOK)
	}
}

type identityInput struct {
	Name    opt[string] `json:"name"`
	Acronym opt[string] `json:"acronym"`
	Website opt[string] `json:"website"`
}

// patchOrganization: PATCH /v1/organizations/{id} {"name", "acronym", "website"}, by owners
// and administrators; once the organization is verified, by administrators only (its
// identity is what verification vouches for). Country and type are fixed.
func (s *server) patchOrganization(c *fiber.Ctx) error {
	actor, in, err := actorWriteOf[identityInput](s, c, "acronym", "website")
	if err != nil {
		return err
	}
	change := domain.OrgIdentity{Name: in.Name.ptr(), Acronym: in.Acronym.ptr(), ClearAcronym: in.Acronym.Null,
		Website: in.Website.ptr(), ClearWebsite: in.Website.Null}
	id, err := s.agencies.Edit(c.UserContext(), actor, c.Params("id"), change)
	if err != nil {
		return writeError(err, "organization")
	}
	return s.sendOrganization(c, id, fiber.StatusOK)
}

// listMembers: GET /v1/organizations/{id}/members, for its members and administrators.
func (s *server) listMembers(c *fiber.Ctx) error {
	members, err := readAs(c, s.actor, func(ctx context.Context, actor domain.Actor) ([]domain.Member, error) {
		return s.agencies.Members(ctx, actor, c.Params("id"))
	})
	if err != nil {
		return writeError(err, "organization")
	}
	v := s.newView(requestPrefs(c))
	return sendPrivateList(s, c, v, mapped(members, v.member), nil)
}

// removeMember: DELETE /v1/organizations/{id}/members/{user_id}, by owners and
// administrators, or by the member leaving.
func (s *server) removeMember(c *fiber.Ctx) error {
	return writeAs(c, "organization", s.writeActor, func(ctx context.Context, actor domain.Actor) error {
		return s.agencies.RemoveMember(ctx, actor, c.Params("id"), c.Params("user_id"))
	})
}

// orgHistory: GET /v1/organizations/{id}/history: everything recorded about the organization
// and its content.
func (s *server) orgHistory(c *fiber.Ctx) error {
	org, _, err := s.orgFor(c, domain.OrgContent, false)
	if err != nil {
		return err
	}
	return s.sendHistory(c, "", org.ID)
}

type contentSummaryJSON struct {
	Kind         string     `json:"kind"`
	ID           string     `json:"id"`
	Slug         string     `json:"slug"`
	Country      string     `json:"country"`
	Status       coded      `json:"status"`
	Title        string     `json:"title"`
	Lang         string     `json:"lang"`
	Langs        []string   `json:"langs"`
	Organization orgRefJSON `json:"organization"`
	ReviewNote   *string    `json:"review_note"`
	SubmittedAt  *time.Time `json:"submitted_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	AsOf         *string    `json:"as_of"`
	RecheckDue   bool       `json:"recheck_due"` // as_of older than the set age: check the sources again
}

var contentKinds = domain.CodeSet{Name: "kind", Codes: []string{string(domain.KindOpportunity), string(domain.KindIncentive), string(domain.KindProgramme)}}

// summariesOf is the use case that lists one page of summaries.
type summariesOf func(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error)

// sendSummaries answers one page of content summaries (an organization's content, or the
// review queue), the reader's right to it checked before its parameters.
func (s *server) sendSummaries(c *fiber.Ctx, actor domain.Actor, f domain.SummaryFilter, fetch summariesOf) error {
	q := &queryParams{c: c}
	f.Limit = q.limit()
	for _, kind := range q.list("kind") {
		if !q.isCode("kind", kind, contentKinds) {
			break
		}
		f.Kinds = append(f.Kinds, domain.Kind(kind))
	}
	if !f.Review {
		f.Status = q.code("status", domain.Statuses)
	}
	if raw := q.one("country"); raw != "" {
		code, err := s.catalogue.KnownCountry(c.UserContext(), raw)
		if err != nil {
			return err
		}
		if code == "" {
			q.add("country", "query", "unknown_country", map[string]any{"Value": truncate(raw)})
		}
		f.Country = code
	}
	kinds := mapped(f.Kinds, func(k domain.Kind) string { return string(k) })
	list := domain.ListFingerprint("summaries", f.OrgID, strings.Join(kinds, ","), f.Status, f.Country, boolString(f.Review))
	f.After = q.cursor(list)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	f.Langs = requestPrefs(c)
	rows, next, err := fetch(c.UserContext(), actor, f)
	if err != nil {
		return writeError(err, "organization")
	}
	v := s.newView(f.Langs)
	items := make([]contentSummaryJSON, len(rows))
	for i, r := range rows {
		v.uses(r.Lang)
		items[i] = contentSummaryJSON{Kind: string(r.Kind), ID: r.ID, Slug: r.Slug, Country: r.Country,
			Status: v.label(domain.Statuses, r.Status), Title: r.Title, Lang: r.Lang, Langs: orEmpty(r.Langs),
			Organization: orgRef(r.Organization), ReviewNote: r.ReviewNote, SubmittedAt: utc(r.SubmittedAt), UpdatedAt: r.UpdatedAt.UTC(),
			AsOf: date(r.AsOf), RecheckDue: domain.RecheckDue(r.AsOf, v.today, v.recheckMonths)}
	}
	if next != nil {
		next.List = list
	}
	return sendPrivateList(s, c, v, items, next)
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// orgContent: GET /v1/organizations/{id}/content, its content in every status.
func (s *server) orgContent(c *fiber.Ctx) error {
	org, actor, err := s.orgFor(c, domain.OrgContent, false)
	if err != nil {
		return err
	}
	return s.sendSummaries(c, actor, domain.SummaryFilter{OrgID: org.ID},
		func(ctx context.Context, actor domain.Actor, f domain.SummaryFilter) ([]domain.ContentSummary, *domain.Cursor, error) {
			return s.editorial.OrgContent(ctx, actor, org.ID, f)
		})
}

// reviewQueue: GET /v1/review-queue, the items waiting for review, oldest first
// (administrators).
func (s *server) reviewQueue(c *fiber.Ctx) error {
	actor, err := s.actor(c)
	if err != nil {
		return err
	}
	if !actor.Admin {
		return deniedProblem(domain.AdminOnly, "")
	}
	return s.sendSummaries(c, actor, domain.SummaryFilter{Review: true}, s.editorial.ReviewQueue)
}
