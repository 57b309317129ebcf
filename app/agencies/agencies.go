// Package agencies holds the use cases of organizations: applying, the identity that
// verification vouches for, verification, and membership by invitation and roles. Each use case checks its input, decides who may
// act with domain's rules, and has the store write in one transaction. It knows nothing of
// HTTP or SQL, so that the JSON API, the web console and the command line call the same rules.
package agencies

import (
	"context"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// InvitationTTL is how long an invitation waits for its answer.
const InvitationTTL = 14 * 24 * time.Hour

// Store is what these use cases need of the database.
type Store interface {
	Organization(ctx context.Context, id string) (*domain.OrgDetail, error)
	Members(ctx context.Context, orgID string) ([]domain.Member, error)
	Invite(ctx context.Context, actorID, orgID, email, role string, ttl time.Duration) (domain.Invitation, error)
	OrganizationInvitations(ctx context.Context, orgID string) ([]domain.Invitation, error)
	RevokeInvitation(ctx context.Context, actorID, orgID, invitationID string) error
	InvitationsFor(ctx context.Context, email string) ([]domain.Invitation, error)
	AnswerInvitation(ctx context.Context, user *domain.User, invitationID string, accept bool) (string, error)
	ChangeRole(ctx context.Context, actorID, orgID, userID, role string) error
	CountryExists(ctx context.Context, code string) (bool, error)
	CreateOrganization(ctx context.Context, actorID string, in domain.OrgApplication) (string, error)
	UpdateOrganization(ctx context.Context, actorID, orgID string, change domain.OrgIdentity, byAdmin bool) error
	SetVerified(ctx context.Context, actorID, orgID string, verified bool) error
	RemoveMember(ctx context.Context, actorID, orgID, userID string) error
	Memberships(ctx context.Context, userID string) ([]domain.MembershipRecord, error)
	Organizations(ctx context.Context, f domain.OrgFilter) ([]domain.OrgDetail, bool, error)
}

// Service runs the use cases over a store.
type Service struct{ store Store }

// New returns the use cases over store.
func New(store Store) *Service { return &Service{store: store} }

// Invitation is the input of Invite.
type Invitation struct {
	Email string
	Role  string // member when empty
}

// check normalizes and checks an invitation: an e-mail address, and a role.
func (in Invitation) check() (Invitation, error) {
	var v domain.Invalid
	// Invitations are matched to accounts by address, case aside.
	email := strings.ToLower(domain.NormalizeEmail(in.Email))
	if email == "" {
		v.Add("email", "invalid_email", nil)
	}
	role := in.Role
	if role == "" {
		role = domain.RoleMember
	}
	checkRole(&v, role)
	return Invitation{Email: email, Role: role}, v.Err()
}

func checkRole(v *domain.Invalid, role string) {
	if !domain.MemberRoles.Has(role) {
		v.Add("role", "unknown_code", map[string]any{"Value": domain.Truncate(role), "Allowed": strings.Join(domain.MemberRoles.Codes, ", ")})
	}
}

// managed reads the organization and checks that actor manages its members.
func (s *Service) managed(ctx context.Context, actor domain.Actor, orgID string) (*domain.OrgDetail, error) {
	return s.Authorized(ctx, actor, orgID, domain.OrgManageMembers)
}

// Invite invites an address to the organization. The answer is the same whether the address
// has an account or not: nobody learns who is registered, and nobody joins without accepting.
// Inviting an address again renews its open invitation.
func (s *Service) Invite(ctx context.Context, actor domain.Actor, orgID string, in Invitation) (domain.Invitation, error) {
	org, err := s.managed(ctx, actor, orgID)
	if err != nil {
		return domain.Invitation{}, err
	}
	if in, err = in.check(); err != nil {
		return domain.Invitation{}, err
	}
	return s.store.Invite(ctx, actor.UserID, org.ID, in.Email, in.Role, InvitationTTL)
}

// Invitations lists an organization's invitations, for those who manage its members.
func (s *Service) Invitations(ctx context.Context, actor domain.Actor, orgID string) ([]domain.Invitation, error) {
	org, err := s.managed(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	return s.store.OrganizationInvitations(ctx, org.ID)
}

// Revoke withdraws an open invitation.
func (s *Service) Revoke(ctx context.Context, actor domain.Actor, orgID, invitationID string) error {
	org, err := s.managed(ctx, actor, orgID)
	if err != nil {
		return err
	}
	return s.store.RevokeInvitation(ctx, actor.UserID, org.ID, strings.ToLower(invitationID))
}

// Mine lists the open invitations addressed to the user.
func (s *Service) Mine(ctx context.Context, user *domain.User) ([]domain.Invitation, error) {
	return s.store.InvitationsFor(ctx, user.Email)
}

// Answer accepts or declines an invitation addressed to the user, and returns the
// organization's id. Someone else's invitation does not exist for them.
func (s *Service) Answer(ctx context.Context, user *domain.User, invitationID string, accept bool) (string, error) {
	return s.store.AnswerInvitation(ctx, user, strings.ToLower(invitationID), accept)
}

// ChangeRole makes a member an owner or a plain member; the last owner cannot step down.
func (s *Service) ChangeRole(ctx context.Context, actor domain.Actor, orgID, userID, role string) error {
	org, err := s.managed(ctx, actor, orgID)
	if err != nil {
		return err
	}
	var v domain.Invalid
	checkRole(&v, role)
	if err := v.Err(); err != nil {
		return err
	}
	userID = strings.ToLower(userID)
	if !domain.IsID(userID) {
		return domain.ErrNotFound
	}
	return s.store.ChangeRole(ctx, actor.UserID, org.ID, userID, role)
}
