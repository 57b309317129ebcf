package agencies

import (
	"context"
	"errors"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// Organizations: applying, editing the identity that verification vouches for, verifying, and
// leaving or removing members.

const (
	maxOrgName    = 300
	maxOrgAcronym = 30
)

// applicantTypes are the types an applicant may choose; international organizations (no
// country) are set up by operators.
var applicantTypes = domain.CodeSet{Name: domain.OrgTypes.Name, Codes: domain.OrgTypes.Codes[:len(domain.OrgTypes.Codes)-1]}

// Apply records a new, unverified organization with the user as its owner, and returns its id.
// It can draft at once, and publish once an administrator verifies it.
func (s *Service) Apply(ctx context.Context, user *domain.User, in domain.OrgApplication) (string, error) {
	var v domain.Invalid
	out := domain.OrgApplication{Type: in.Type, Website: in.Website}
	out.Name, _ = v.Text("name", in.Name, 1, maxOrgName)
	if in.Acronym != nil {
		if a, ok := v.Text("acronym", *in.Acronym, 1, maxOrgAcronym); ok {
			out.Acronym = &a
		}
	}
	code, err := domain.KnownCountry(ctx, s.store, in.Country)
	if err != nil {
		return "", err
	}
	if code == "" {
		v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(in.Country)})
	}
	out.Country = code
	v.Code("type", in.Type, applicantTypes)
	if in.Website != nil {
		v.WebURL("website", *in.Website)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return s.store.CreateOrganization(ctx, user.ID, out)
}

// Edit changes an organization's name, acronym or website, for its owners and administrators.
// Once it is verified, only an administrator changes them (the store decides on the locked row),
// and never into another verified organization's name or acronym.
// It returns the organization's id.
func (s *Service) Edit(ctx context.Context, actor domain.Actor, orgID string, change domain.OrgIdentity) (string, error) {
	org, err := s.Authorized(ctx, actor, orgID, domain.OrgEdit)
	if err != nil {
		return "", err
	}
	var v domain.Invalid
	if change.Name != nil {
		if n, ok := v.Text("name", *change.Name, 1, maxOrgName); ok {
			change.Name = &n
		}
	}
	if change.Acronym != nil {
		if a, ok := v.Text("acronym", *change.Acronym, 1, maxOrgAcronym); ok {
			change.Acronym = &a
		}
	}
	if change.Website != nil {
		v.WebURL("website", *change.Website)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return org.ID, s.store.UpdateOrganization(ctx, actor.UserID, org.ID, change, actor.Admin)
}

// Verify verifies or unverifies an organization (administrators).
func (s *Service) Verify(ctx context.Context, actor domain.Actor, orgID string, verified bool) (string, error) {
	org, err := s.Authorized(ctx, actor, orgID, domain.OrgVerify)
	if err != nil {
		return "", err
	}
	return org.ID, s.store.SetVerified(ctx, actor.UserID, org.ID, verified)
}

// RemoveMember ends a membership: owners and administrators remove anyone, and a member may
// leave; the last owner cannot go.
func (s *Service) RemoveMember(ctx context.Context, actor domain.Actor, orgID, userID string) error {
	userID = strings.ToLower(userID)
	org, err := s.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	if userID != actor.UserID {
		if d := domain.DecideOrg(actor, domain.OrgManageMembers, org.ID, org.Verified); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
	} else if _, member := actor.Orgs[org.ID]; !member {
		return memberNotFound
	}
	if !domain.IsID(userID) {
		return memberNotFound
	}
	if err := s.store.RemoveMember(ctx, actor.UserID, org.ID, userID); errors.Is(err, domain.ErrNotFound) {
		return memberNotFound
	} else if err != nil {
		return err
	}
	return nil
}

// memberNotFound: the membership does not exist (or is not the reader's to know of).
var memberNotFound = domain.NotFound{Resource: "member"}
