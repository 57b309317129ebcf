package web

// The console's organizations: applying, verification state, members and invitations, and
// the invitations addressed to the user; the administrators' pending applications.

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/domain"
)

func (s *Site) consoleHome(c *fiber.Ctx) error {
	p := s.consolePage(c, "web.console.title")
	invitations, err := s.deps.Console.agencies.Mine(c.UserContext(), p.User)
	if err != nil {
		return s.fail(c, err)
	}
	now := time.Now()
	open := invitations[:0:0]
	for _, in := range invitations {
		if in.InvitationStatus(now) == "pending" {
			open = append(open, in)
		}
	}
	// Each organization's unread interests, as the navigation shows the current one's.
	v := consoleOf(c)
	unread := map[string]int{}
	for _, m := range v.Orgs {
		n, err := s.deps.Console.unread(c.UserContext(), v.Actor, m.Organization.ID)
		if err != nil {
			return s.consoleError(c, err)
		}
		unread[m.Organization.ID] = n
	}
	return s.renderConsole(c, "home", p, map[string]any{"Invitations": open, "Unread": unread})
}

// applyInput is what the application form sends.
type applyInput struct{ Name, Acronym, Country, Type, Website string }

func optional(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

func (s *Site) applyForm(c *fiber.Ctx) error {
	return s.renderApply(c, s.consolePage(c, "web.console.apply.title"), applyInput{})
}

func (s *Site) renderApply(c *fiber.Ctx, p *page, in applyInput) error {
	countries, err := s.deps.Catalogue.Countries(c.UserContext(), []string{p.Lang})
	if err != nil {
		return s.fail(c, err)
	}
	types := domain.OrgTypes.Codes[:len(domain.OrgTypes.Codes)-1] // as app/agencies: international ones are set up by operators
	return s.renderConsole(c, "apply", p, map[string]any{"Form": in, "Countries": countries, "Types": types})
}

func (s *Site) apply(c *fiber.Ctx) error {
	p := s.consolePage(c, "web.console.apply.title")
	in := applyInput{Name: c.FormValue("name"), Acronym: c.FormValue("acronym"), Country: c.FormValue("country"),
		Type: c.FormValue("type"), Website: c.FormValue("website")}
	id, err := s.deps.Console.agencies.Apply(c.UserContext(), p.User, domain.OrgApplication{Name: in.Name,
		Acronym: optional(in.Acronym), Country: in.Country, Type: in.Type, Website: optional(in.Website)})
	if s.invalidFields(p, err) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderApply(c, p, in)
	}
	if err != nil {
		return s.consoleError(c, err)
	}
	return back(c, "/orgs/"+id, "applied")
}

func (s *Site) answerInvitation(c *fiber.Ctx) error {
	accept := c.Params("answer") == "accept"
	if !accept && c.Params("answer") != "decline" {
		return s.notFound(c)
	}
	orgID, err := s.deps.Console.agencies.Answer(c.UserContext(), currentUser(c), c.Params("inv"), accept)
	if err != nil {
		return s.consoleError(c, err)
	}
	if accept {
		return back(c, "/orgs/"+orgID, "accepted")
	}
	return back(c, "/", "declined")
}

// verification says where an organization stands and why: verified since when; or waiting
// since its application; or verification withdrawn by an administrator, and when.
type verification struct {
	Verified bool
	Since    *time.Time
	Reason   string // a web.console.verification.* key
}

func verificationOf(org *domain.OrgDetail) verification {
	switch {
	case org.Verified:
		return verification{Verified: true, Since: org.VerifiedAt, Reason: "web.console.verification.verified"}
	case org.UnverifiedAt != nil:
		return verification{Since: org.UnverifiedAt, Reason: "web.console.verification.withdrawn"}
	}
	return verification{Since: &org.CreatedAt, Reason: "web.console.verification.applied"}
}

// orgMembers reads the members of the organization being worked on, and where its
// verification stands.
func (s *Site) orgMembers(ctx context.Context, v *consoleView) ([]domain.Member, verification, error) {
	members, err := s.deps.Console.members(ctx, v.Actor, v.Org)
	if err != nil {
		return nil, verification{}, err
	}
	return members, verificationOf(v.Org), nil
}

func (s *Site) orgPage(c *fiber.Ctx) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	p := s.consolePage(c, "web.console.org.title")
	p.Title = v.Org.Name
	data := map[string]any{}
	if v.Member() || v.Admin {
		members, verification, err := s.orgMembers(ctx, v)
		if err != nil {
			return s.consoleError(c, err)
		}
		data["Members"] = members
		data["Verification"] = verification
		data["Roles"] = domain.MemberRoles.Codes
	}
	if v.Manages() {
		invitations, err := s.deps.Console.agencies.Invitations(ctx, v.Actor, v.Org.ID)
		if err != nil {
			return s.consoleError(c, err)
		}
		open := invitations[:0:0]
		now := time.Now()
		for _, in := range invitations {
			if in.InvitationStatus(now) == "pending" {
				open = append(open, in)
			}
		}
		data["Invitations"] = open
		data["Invite"] = map[string]string{"Email": c.Query("email"), "Role": domain.RoleMember}
	}
	data["Identity"] = identityOf(v.Org)
	return s.renderConsole(c, "org", p, data)
}

func (s *Site) invite(c *fiber.Ctx) error {
	v := consoleOf(c)
	in := map[string]string{"Email": c.FormValue("email"), "Role": c.FormValue("role")}
	_, err := s.deps.Console.agencies.Invite(c.UserContext(), v.Actor, c.Params("org"), agencies.Invitation{Email: in["Email"], Role: in["Role"]})
	if err == nil {
		return back(c, "/orgs/"+c.Params("org"), "invited")
	}
	p := s.consolePage(c, "web.console.org.title")
	if !s.invalidFields(p, err) {
		if status, key, ok := problemMessage(err); ok && status == fiber.StatusConflict {
			p.Errors = append(p.Errors, fieldMessage{"email", p.T(key)})
		} else {
			return s.consoleError(c, err)
		}
	}
	// The page again, with the form as sent and its errors beside the fields.
	c.Status(fiber.StatusUnprocessableEntity)
	return s.orgPageWith(c, p, in, nil)
}

// orgPageWith renders the organization page after a refused invitation.
func (s *Site) orgPageWith(c *fiber.Ctx, p *page, invite, identity map[string]string) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	p.Title = v.Org.Name
	members, verification, err := s.orgMembers(ctx, v)
	if err != nil {
		return s.consoleError(c, err)
	}
	invitations, err := s.deps.Console.agencies.Invitations(ctx, v.Actor, v.Org.ID)
	if err != nil {
		return s.consoleError(c, err)
	}
	if identity == nil {
		identity = identityOf(v.Org)
	}
	if invite == nil {
		invite = map[string]string{"Role": domain.RoleMember}
	}
	return s.renderConsole(c, "org", p, map[string]any{"Members": members, "Verification": verification,
		"Roles": domain.MemberRoles.Codes, "Invitations": invitations, "Invite": invite, "Identity": identity})
}

func identityOf(org *domain.OrgDetail) map[string]string {
	return map[string]string{"Name": org.Name, "Acronym": derefString(org.Acronym), "Website": derefString(org.Website)}
}

// editIdentity changes the name, acronym or website: an owner's while the organization is
// unverified, an administrator's always (app/agencies decides, and the store on the locked row).
func (s *Site) editIdentity(c *fiber.Ctx) error {
	v := consoleOf(c)
	in := map[string]string{"Name": c.FormValue("name"), "Acronym": c.FormValue("acronym"), "Website": c.FormValue("website")}
	name := in["Name"]
	change := domain.OrgIdentity{Name: &name}
	if a := in["Acronym"]; a != "" {
		change.Acronym = &a
	} else {
		change.ClearAcronym = true
	}
	if w := in["Website"]; w != "" {
		change.Website = &w
	} else {
		change.ClearWebsite = true
	}
	_, err := s.deps.Console.agencies.Edit(c.UserContext(), v.Actor, c.Params("org"), change)
	if err == nil {
		return back(c, "/orgs/"+c.Params("org"), "identity")
	}
	p := s.consolePage(c, "web.console.org.title")
	if !s.invalidFields(p, err) {
		if errors.Is(err, domain.ErrIdentityTaken) {
			p.Errors = append(p.Errors, fieldMessage{"name", p.T("problem.identity_taken")})
		} else {
			return s.consoleError(c, err)
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.orgPageWith(c, p, nil, in)
}

func (s *Site) revokeInvitation(c *fiber.Ctx) error {
	if err := s.deps.Console.agencies.Revoke(c.UserContext(), consoleOf(c).Actor, c.Params("org"), c.Params("inv")); err != nil {
		return s.consoleError(c, err)
	}
	return back(c, "/orgs/"+c.Params("org"), "revoked")
}

func (s *Site) changeRole(c *fiber.Ctx) error {
	err := s.deps.Console.agencies.ChangeRole(c.UserContext(), consoleOf(c).Actor, c.Params("org"), c.Params("user"), c.FormValue("role"))
	if err != nil {
		var broken *domain.Invalid
		if errors.As(err, &broken) {
			return s.notFound(c) // only a forged form sends an unknown role
		}
		return s.consoleError(c, err)
	}
	return back(c, "/orgs/"+c.Params("org"), "role")
}

// removeMember removes a member, or lets the user leave (then back to the console's home).
func (s *Site) removeMember(c *fiber.Ctx) error {
	v := consoleOf(c)
	if err := s.deps.Console.agencies.RemoveMember(c.UserContext(), v.Actor, c.Params("org"), c.Params("user")); err != nil {
		return s.consoleError(c, err)
	}
	if strings.EqualFold(c.Params("user"), v.Actor.UserID) {
		return back(c, "/", "left")
	}
	return back(c, "/orgs/"+c.Params("org"), "removed")
}

// pendingPageSize is how many applications a page of the pending ones shows.
const pendingPageSize = 50

func (s *Site) pendingOrgs(c *fiber.Ctx) error {
	v := consoleOf(c)
	list := domain.ListFingerprint("console-pending")
	var after *domain.Cursor
	if raw := c.Query("cursor"); raw != "" {
		cur, err := domain.DecodeCursor(raw, list)
		if err != nil {
			return s.notFound(c) // a cursor of another list
		}
		after = cur
	}
	orgs, next, err := s.deps.Console.pending(c.UserContext(), v.Actor, after, pendingPageSize)
	if err != nil {
		return s.consoleError(c, err)
	}
	p := s.consolePage(c, "web.console.pending.title")
	data := map[string]any{"Pending": orgs}
	if next != nil {
		next.List = list
		data["Next"] = nextPage(url.Values{"cursor": {next.Encode()}})
	}
	return s.renderConsole(c, "pending", p, data)
}

func (s *Site) verifyOrg(c *fiber.Ctx) error {
	verify := c.Params("verify") == "verify"
	if !verify && c.Params("verify") != "unverify" {
		return s.notFound(c)
	}
	id, err := s.deps.Console.agencies.Verify(c.UserContext(), consoleOf(c).Actor, c.Params("org"), verify)
	if err != nil {
		return s.consoleError(c, err)
	}
	if verify {
		return back(c, "/orgs/"+id, "verified")
	}
	return back(c, "/orgs/"+id, "unverified")
}
