package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/domain"
)

// Membership by invitation: thin adapters over app/agencies.

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

type invitationInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// invite: POST /v1/organizations/{id}/invitations {"email", "role"}.
func (s *server) invite(c *fiber.Ctx) error {
	actor, in, err := actorWriteOf[invitationInput](s, c)
	if err != nil {
		return err
	}
	inv, err := s.agencies.Invite(c.UserContext(), actor, c.Params("id"), agencies.Invitation(in))
	if err != nil {
		return writeError(err, "organization")
	}
	v := s.newView(requestPrefs(c))
	c.Location(s.link("/v1/organizations/" + inv.Organization.ID + "/invitations/" + inv.ID))
	s.private(c, v)
	c.Status(fiber.StatusCreated)
	return s.sendJSON(c, v.invitation(inv, time.Now()))
}

// listInvitations: GET /v1/organizations/{id}/invitations.
func (s *server) listInvitations(c *fiber.Ctx) error {
	list, err := readAs(c, s.actor, func(ctx context.Context, actor domain.Actor) ([]domain.Invitation, error) {
		return s.agencies.Invitations(ctx, actor, c.Params("id"))
	})
	if err != nil {
		return writeError(err, "organization")
	}
	return s.sendInvitations(c, list)
}

func (s *server) sendInvitations(c *fiber.Ctx, list []domain.Invitation) error {
	v := s.newView(requestPrefs(c))
	now := time.Now()
	items := mapped(list, func(inv domain.Invitation) invitationJSON { return v.invitation(inv, now) })
	return sendPrivateList(s, c, v, items, nil)
}

// revokeInvitation: DELETE /v1/organizations/{id}/invitations/{invitation_id}.
func (s *server) revokeInvitation(c *fiber.Ctx) error {
	return writeAs(c, "invitation", s.writeActor, func(ctx context.Context, actor domain.Actor) error {
		return s.agencies.Revoke(ctx, actor, c.Params("id"), c.Params("invitation_id"))
	})
}

// myInvitations: GET /v1/me/invitations.
func (s *server) myInvitations(c *fiber.Ctx) error {
	list, err := readAs(c, requireUser, s.agencies.Mine)
	if err != nil {
		return err
	}
	return s.sendInvitations(c, list)
}

// answerInvitation: POST /v1/me/invitations/{invitation_id}/accept (the organization, as the
// new member sees it) or …/decline (204).
func (s *server) answerInvitation(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		orgID, err := changeAs(c, "invitation", s.writer, func(ctx context.Context, user *domain.User) (string, error) {
			return s.agencies.Answer(ctx, user, c.Params("invitation_id"), accept)
		})
		if err != nil {
			return err
		}
		if !accept {
			return sendNoContent(c)
		}
		return s.sendOrganization(c, orgID, fiber.StatusOK)
	}
}

type roleInput struct {
	Role string `json:"role"`
}

// changeRole: PATCH /v1/organizations/{id}/members/{user_id} {"role"}.
func (s *server) changeRole(c *fiber.Ctx) error {
	actor, in, err := actorWriteOf[roleInput](s, c)
	if err != nil {
		return err
	}
	orgID, userID := c.Params("id"), c.Params("user_id")
	if err := s.agencies.ChangeRole(c.UserContext(), actor, orgID, userID, in.Role); err != nil {
		return writeError(err, "member")
	}
	members, err := s.agencies.Members(c.UserContext(), actor, orgID)
	if err != nil {
		return writeError(err, "member")
	}
	view := s.newView(requestPrefs(c))
	for _, m := range members {
		if m.UserID == userID {
			s.private(c, view)
			return s.sendJSON(c, view.member(m))
		}
	}
	return notFound("member")
}
