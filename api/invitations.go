package api

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// invitationTTL is how long an invitation waits for its answer.
const invitationTTL = 14 * 24 * time.Hour

type invitationJSON struct {
	ID           string     `json:"id"`
	Organization orgRefJSON `json:"organization"`
	Email        string     `json:"email"`
	Role         coded      `json:"role"`
	Status       coded      `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	AnsweredAt   *time.Time `json:"answered_at"`
}

func (v *view) invitation(i domain.Invitation, now time.Time) invitationJSON {
	return invitationJSON{ID: i.ID, Organization: orgRef(i.Organization), Email: i.Email,
		Role: v.label(domain.MemberRoles, i.Role), Status: v.label(domain.InvitationStatuses, i.InvitationStatus(now)),
		CreatedAt: i.CreatedAt.UTC(), ExpiresAt: i.ExpiresAt.UTC(), AnsweredAt: utc(i.AnsweredAt)}
}

// invite: POST /v1/organizations/{id}/invitations {"email", "role"}, by owners and
// administrators. The answer is the same whether the address has an account or not, so that
// nobody learns who is registered; the person accepts or declines under /v1/me/invitations.
func (s *server) invite(c *fiber.Ctx) error {
	org, actor, err := s.orgFor(c, domain.OrgManageMembers, true)
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	email, role, err := checkMemberInput(in.Email, in.Role)
	if err != nil {
		return err
	}
	inv, err := s.store.Invite(c.UserContext(), actor.UserID, org.ID, email, role, invitationTTL)
	if errors.Is(err, repository.ErrAlreadyMember) {
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "already_member"}
	}
	if err != nil {
		return writeError(err, "organization")
	}
	v := s.newView(requestPrefs(c))
	c.Location(s.link("/v1/organizations/" + org.ID + "/invitations/" + inv.ID))
	s.private(c, v)
	c.Status(fiber.StatusCreated)
	return s.sendJSON(c, v.invitation(inv, time.Now()))
}

// checkMemberInput checks an e-mail address and a role (member by default).
func checkMemberInput(rawEmail, role string) (email, checkedRole string, err error) {
	var v invalid
	// Invitations are matched to accounts by address, case-insensitively.
	if email = strings.ToLower(domain.NormalizeEmail(rawEmail)); email == "" {
		v.add("email", "body", "invalid_email", nil)
	}
	if role == "" {
		role = domain.RoleMember
	}
	if !domain.MemberRoles.Has(role) {
		v.add("role", "body", "unknown_code", map[string]any{"Value": truncate(role), "Allowed": strings.Join(domain.MemberRoles.Codes, ", ")})
	}
	return email, role, v.err("invalid-body")
}

// listInvitations: GET /v1/organizations/{id}/invitations, for owners and administrators.
func (s *server) listInvitations(c *fiber.Ctx) error {
	org, _, err := s.orgFor(c, domain.OrgManageMembers, false)
	if err != nil {
		return err
	}
	list, err := s.store.OrganizationInvitations(c.UserContext(), org.ID)
	if err != nil {
		return err
	}
	return s.sendInvitations(c, list)
}

func (s *server) sendInvitations(c *fiber.Ctx, list []domain.Invitation) error {
	v := s.newView(requestPrefs(c))
	now := time.Now()
	items := make([]invitationJSON, len(list))
	for i, inv := range list {
		items[i] = v.invitation(inv, now)
	}
	return sendPrivateList(s, c, v, items, nil)
}

// revokeInvitation: DELETE /v1/organizations/{id}/invitations/{invitation_id}.
func (s *server) revokeInvitation(c *fiber.Ctx) error {
	org, actor, err := s.orgFor(c, domain.OrgManageMembers, true)
	if err != nil {
		return err
	}
	if err := s.store.RevokeInvitation(c.UserContext(), actor.UserID, org.ID, strings.ToLower(c.Params("invitation_id"))); err != nil {
		return writeError(err, "invitation")
	}
	return sendNoContent(c)
}

// myInvitations: GET /v1/me/invitations: the open invitations addressed to the user's e-mail.
func (s *server) myInvitations(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	list, err := s.store.InvitationsFor(c.UserContext(), user.Email)
	if err != nil {
		return err
	}
	return s.sendInvitations(c, list)
}

// answerInvitation: POST /v1/me/invitations/{id}/accept (the organization, as the new member
// sees it) or …/decline (204).
func (s *server) answerInvitation(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		user, err := s.writer(c)
		if err != nil {
			return err
		}
		orgID, err := s.store.AnswerInvitation(c.UserContext(), user, strings.ToLower(c.Params("invitation_id")), accept)
		if err != nil {
			return writeError(err, "invitation")
		}
		if !accept {
			return sendNoContent(c)
		}
		return s.sendOrganization(c, orgID, fiber.StatusOK)
	}
}

// changeRole: PATCH /v1/organizations/{id}/members/{user_id} {"role"}, by owners and
// administrators. The last owner cannot step down (409).
func (s *server) changeRole(c *fiber.Ctx) error {
	org, actor, err := s.orgFor(c, domain.OrgManageMembers, true)
	if err != nil {
		return err
	}
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	if !domain.MemberRoles.Has(in.Role) {
		v.add("role", "body", "unknown_code", map[string]any{"Value": truncate(in.Role), "Allowed": strings.Join(domain.MemberRoles.Codes, ", ")})
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	userID := strings.ToLower(c.Params("user_id"))
	if !domain.IsID(userID) {
		return notFound("member")
	}
	if err := s.store.ChangeRole(c.UserContext(), actor.UserID, org.ID, userID, in.Role); err != nil {
		return writeError(err, "member")
	}
	members, err := s.store.Members(c.UserContext(), org.ID)
	if err != nil {
		return err
	}
	view := s.newView(requestPrefs(c))
	for _, m := range members {
		if m.UserID == userID {
			s.private(c, view)
			return s.sendJSON(c, memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name,
				Role: view.label(domain.MemberRoles, m.Role), AddedAt: m.AddedAt.UTC()})
		}
	}
	return notFound("member")
}
