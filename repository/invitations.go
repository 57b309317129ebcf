package repository

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// The invitations of an organization, of an address, and one by id: the same columns, newest
// first, at most 200.
var (
	sqlInvitationByID = statement("invitation_by_id", `
		SELECT i.id, i.email, i.role, i.status, i.created_at, i.expires_at, i.answered_at,
			o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym
		FROM organization_invitations i JOIN organizations o ON o.id = i.organization_id
		WHERE i.id = $1`)
	sqlOrganizationInvitations = statement("organization_invitations", `
		SELECT i.id, i.email, i.role, i.status, i.created_at, i.expires_at, i.answered_at,
			o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym
		FROM organization_invitations i JOIN organizations o ON o.id = i.organization_id
		WHERE i.organization_id = $1
		ORDER BY i.created_at DESC, i.id LIMIT 200`)
	sqlOpenInvitationsFor = statement("open_invitations_for", `
		SELECT i.id, i.email, i.role, i.status, i.created_at, i.expires_at, i.answered_at,
			o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym
		FROM organization_invitations i JOIN organizations o ON o.id = i.organization_id
		WHERE i.email = lower($1) AND i.status = 'pending' AND i.expires_at > now()
		ORDER BY i.created_at DESC, i.id LIMIT 200`)
	sqlIsMemberByEmail = statement("is_member_by_email", `
		SELECT EXISTS (SELECT 1 FROM organization_members m JOIN users u ON u.id = m.user_id
			WHERE m.organization_id = $1 AND lower(u.email) = $2)`)
	// Inviting an address again renews its open invitation.
	sqlUpsertInvitation = statement("upsert_invitation", `
		INSERT INTO organization_invitations (organization_id, email, role, invited_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
		ON CONFLICT (organization_id, email) WHERE status = 'pending'
		DO UPDATE SET role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, created_at = now(), expires_at = EXCLUDED.expires_at
		RETURNING id`)
	sqlRevokeInvitation = statement("revoke_invitation", `
		UPDATE organization_invitations SET status = 'revoked', answered_at = now()
		WHERE id = $1 AND organization_id = $2 AND status = 'pending' RETURNING email`)
	sqlLockOpenInvitation = statement("lock_open_invitation", `
		SELECT organization_id, role FROM organization_invitations
		WHERE id = $1 AND email = lower($2) AND status = 'pending' AND expires_at > now() FOR UPDATE`)
	sqlAnswerInvitation = statement("answer_invitation", `
		UPDATE organization_invitations SET status = $2, answered_at = now() WHERE id = $1`)
	sqlMemberRoleOrNull = statement("member_role_or_null", `
		SELECT (SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2)`)
	sqlUpsertMember = statement("upsert_member", `
		INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role`)
	sqlMemberRole = statement("member_role", `
		SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2`)
	sqlSetMemberRole = statement("set_member_role", `
		UPDATE organization_members SET role = $3 WHERE organization_id = $1 AND user_id = $2`)
)

// invitations reads the invitations of statement, one of the three above.
func invitations(ctx context.Context, q sqlx.QueryerContext, statement string, args ...any) ([]domain.Invitation, error) {
	out := []domain.Invitation{}
	if err := scanInto(ctx, q, &out, invitationColumns, statement, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// invitationColumns are where the invitation statements' columns go in an invitation.
func invitationColumns(i *domain.Invitation) []any {
	return []any{&i.ID, &i.Email, &i.Role, &i.Status, &i.CreatedAt, &i.ExpiresAt, &i.AnsweredAt,
		&i.Organization.ID, &i.Organization.Name, &i.Organization.Acronym}
}

// Invite invites email (normalized by the caller) to the organization with role, valid for
// ttl. Inviting an address again renews its open invitation. Whether the address has an
// account is neither needed nor told.
func (s *Store) Invite(ctx context.Context, actorID, orgID, email, role string, ttl time.Duration) (domain.Invitation, error) {
	var inv domain.Invitation
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockOrg(ctx, tx, orgID); err != nil {
			return err
		}
		var member bool
		if err := tx.GetContext(ctx, &member, sqlIsMemberByEmail, orgID, email); err != nil {
			return err
		}
		if member {
			return domain.ErrAlreadyMember
		}
		var id string
		if err := tx.GetContext(ctx, &id, sqlUpsertInvitation, orgID, email, role, actorID, ttl.Seconds()); err != nil {
			return err
		}
		list, err := invitations(ctx, tx, sqlInvitationByID, id)
		if err != nil {
			return err
		}
		inv = list[0]
		return auditOrg(ctx, tx, actorID, orgID, "invite", map[string]domain.FieldChange{"invitation:" + email: {Before: nil, After: role}})
	})
	return inv, err
}

// OrganizationInvitations lists an organization's invitations, newest first (at most 200).
func (s *Store) OrganizationInvitations(ctx context.Context, orgID string) ([]domain.Invitation, error) {
	return invitations(ctx, s.db, sqlOrganizationInvitations, orgID)
}

// RevokeInvitation withdraws an open invitation of the organization.
func (s *Store) RevokeInvitation(ctx context.Context, actorID, orgID, invitationID string) error {
	if !domain.IsID(invitationID) {
		return ErrNotFound
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var email string
		err := tx.GetContext(ctx, &email, sqlRevokeInvitation, invitationID, orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return auditOrg(ctx, tx, actorID, orgID, "revoke_invitation", map[string]domain.FieldChange{"invitation:" + email: {Before: "pending", After: "revoked"}})
	})
}

// InvitationsFor lists the open, unexpired invitations addressed to email.
func (s *Store) InvitationsFor(ctx context.Context, email string) ([]domain.Invitation, error) {
	return invitations(ctx, s.db, sqlOpenInvitationsFor, email)
}

// AnswerInvitation accepts or declines an open, unexpired invitation addressed to the user's
// e-mail (ErrNotFound otherwise: someone else's invitation is not theirs to see). Accepting
// makes the user a member with the invitation's role; an existing owner keeps their role.
// It returns the organization's id.
func (s *Store) AnswerInvitation(ctx context.Context, user *domain.User, invitationID string, accept bool) (string, error) {
	if !domain.IsID(invitationID) {
		return "", ErrNotFound
	}
	var orgID string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var inv struct {
			OrgID string `db:"organization_id"`
			Role  string `db:"role"`
		}
		err := tx.GetContext(ctx, &inv, sqlLockOpenInvitation, invitationID, user.Email)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		orgID = inv.OrgID
		if err := lockOrg(ctx, tx, orgID); err != nil {
			return err
		}
		status := "declined"
		if accept {
			status = "accepted"
		}
		if _, err := tx.ExecContext(ctx, sqlAnswerInvitation, invitationID, status); err != nil {
			return err
		}
		if !accept {
			return nil
		}
		var before *string
		if err := tx.GetContext(ctx, &before, sqlMemberRoleOrNull, orgID, user.ID); err != nil {
			return err
		}
		if before != nil && (*before == domain.RoleOwner || *before == inv.Role) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, sqlUpsertMember, orgID, user.ID, inv.Role); err != nil {
			return err
		}
		var was any
		if before != nil {
			was = *before
		}
		return auditOrg(ctx, tx, user.ID, orgID, "add_member", map[string]domain.FieldChange{"member:" + user.ID: {Before: was, After: inv.Role}})
	})
	return orgID, err
}

// ChangeRole sets the role of an existing member; the last owner cannot step down.
func (s *Store) ChangeRole(ctx context.Context, actorID, orgID, userID, role string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := lockedMemberRole(ctx, tx, orgID, userID)
		if err != nil || before == role {
			return err
		}
		if before == domain.RoleOwner {
			if err := keepAnOwner(ctx, tx, orgID, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, sqlSetMemberRole, orgID, userID, role); err != nil {
			return err
		}
		return auditOrg(ctx, tx, actorID, orgID, "change_role", map[string]domain.FieldChange{"member:" + userID: {Before: before, After: role}})
	})
}
