package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

var (
	sqlActorMemberships = statement("actor_memberships", `
		SELECT m.organization_id, m.role, o.country_code, o.verified
		FROM organization_members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.user_id = $1`)
	sqlInsertOrganization = statement("insert_organization", `
		INSERT INTO organizations (slug, country_code, name, acronym, type, website)
		VALUES ('org-' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, $4, $5) RETURNING id`)
	sqlInsertOwner = statement("insert_owner", `
		INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, 'owner')`)
	// What the audit trail records of an organization: its columns but its keys and times.
	sqlOrganizationSnapshot = statement("organization_snapshot", `
		SELECT to_jsonb(o) - ARRAY['id', 'slug', 'created_at', 'updated_at'] FROM organizations o WHERE o.id = $1`)
	sqlOrganizationByID = statement("organization_by_id", `
		SELECT o.id, o.name, o.acronym, o.country_code, o.type, o.website, o.verified, o.verified_at, o.created_at,
			(SELECT max(e.at) FROM audit_events e WHERE e.entity_id = o.id AND e.action = 'unverify') AS unverified_at
		FROM organizations o WHERE o.id = $1`)
	// An organization has a handful of members; no page is needed, but a bound is kept.
	sqlMembers = statement("members", `
		SELECT m.user_id, u.email, u.display_name, m.role, m.added_at
		FROM organization_members m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = $1 ORDER BY m.role = 'owner' DESC, m.added_at, m.user_id LIMIT 500`)
	sqlMemberships = statement("memberships", `
		SELECT o.id, o.name, o.acronym, m.role, m.added_at
		FROM organization_members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.user_id = $1 ORDER BY o.name, o.id LIMIT 500`)
	sqlDeleteMember = statement("delete_member", `
		DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2`)
	sqlLockOrganization = statement("lock_organization", `
		SELECT id FROM organizations WHERE id = $1 FOR UPDATE`)
	sqlOtherOwners = statement("other_owners", `
		SELECT count(*) FROM organization_members WHERE organization_id = $1 AND role = 'owner' AND user_id <> $2`)
	sqlSetVerified = statement("set_verified", `
		UPDATE organizations SET verified = $2,
			verified_at = CASE WHEN $2 THEN coalesce(verified_at, now()) END, updated_at = now()
		WHERE id = $1`)
	sqlIdentityTaken = statement("identity_taken", `
		SELECT EXISTS (SELECT 1 FROM organizations o, organizations other
			WHERE o.id = $1 AND other.id <> o.id AND other.verified
			AND coalesce(other.country_code, '--') = coalesce(o.country_code, '--')
			AND (lower(other.name) = lower(o.name) OR lower(other.acronym) = lower(o.acronym)))`)
	// Each of the three columns is written only when its flag says so ($2, $4, $6).
	sqlUpdateOrganizationIdentity = statement("update_organization_identity", `
		UPDATE organizations SET
			name = CASE WHEN $2 THEN $3 ELSE name END,
			acronym = CASE WHEN $4 THEN $5 ELSE acronym END,
			website = CASE WHEN $6 THEN $7 ELSE website END,
			updated_at = now()
		WHERE id = $1`)
)

// Actor loads what the rules need to know of a signed-in user: their memberships.
func (s *Store) Actor(ctx context.Context, user *domain.User) (domain.Actor, error) {
	a := domain.Actor{UserID: user.ID, Admin: user.Role == "admin", Orgs: map[string]domain.Membership{}}
	var rows []struct {
		OrgID    string  `db:"organization_id"`
		Role     string  `db:"role"`
		Country  *string `db:"country_code"`
		Verified bool    `db:"verified"`
	}
	if err := s.db.SelectContext(ctx, &rows, sqlActorMemberships, user.ID); err != nil {
		return a, err
	}
	for _, r := range rows {
		a.Orgs[r.OrgID] = domain.Membership{Role: r.Role, Country: deref(r.Country), Verified: r.Verified}
	}
	return a, nil
}

// OrgInput is an application for a new organization.
type OrgInput = domain.OrgApplication

// CreateOrganization records an unverified organization with its applicant as first owner.
func (s *Store) CreateOrganization(ctx context.Context, actorID string, in OrgInput) (string, error) {
	var id string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, sqlInsertOrganization, in.Country, in.Name, in.Acronym, in.Type, in.Website); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertOwner, id, actorID); err != nil {
			return err
		}
		return auditOrgChange(ctx, tx, actorID, id, "create", nil)
	})
	return id, err
}

func orgSnapshot(ctx context.Context, tx *sqlx.Tx, id string) (map[string]any, error) {
	return jsonSnapshot(ctx, tx, sqlOrganizationSnapshot, id)
}

// auditOrgChange records what action changed in the organization's own row since before (nil
// for a new organization); an action that changed nothing is not recorded.
func auditOrgChange(ctx context.Context, tx *sqlx.Tx, actorID, orgID, action string, before map[string]any) error {
	after, err := orgSnapshot(ctx, tx, orgID)
	if err != nil {
		return err
	}
	changes := diff(before, after)
	if len(changes) == 0 {
		return nil
	}
	return auditOrg(ctx, tx, actorID, orgID, action, changes)
}

// auditOrg records an action on an organization (its members, its invitations, its row).
func auditOrg(ctx context.Context, tx *sqlx.Tx, actorID, orgID, action string, changes map[string]domain.FieldChange) error {
	return writeAudit(ctx, tx, auditEvent{actor: actorID, entity: "organization", entityID: orgID, orgID: orgID,
		action: action, changes: changes})
}

type orgRow struct {
	ID         string     `db:"id"`
	Name       string     `db:"name"`
	Acronym    *string    `db:"acronym"`
	Country    *string    `db:"country_code"`
	Type       string     `db:"type"`
	Website    *string    `db:"website"`
	Verified   bool       `db:"verified"`
	VerifiedAt *time.Time `db:"verified_at"`
	CreatedAt  time.Time  `db:"created_at"`
	// UnverifiedAt is read for one organization only (sqlOrganizationByID).
	UnverifiedAt *time.Time `db:"unverified_at"`
}

func (r orgRow) detail() domain.OrgDetail {
	return domain.OrgDetail{
		Organization: domain.Organization{OrgRef: domain.OrgRef{ID: r.ID, Name: r.Name, Acronym: r.Acronym},
			Type: r.Type, Website: r.Website, Verified: r.Verified},
		Country: r.Country, VerifiedAt: r.VerifiedAt, CreatedAt: r.CreatedAt, UnverifiedAt: r.UnverifiedAt,
	}
}

// Organization reads one organization, verified or not (the caller decides who may see it).
func (s *Store) Organization(ctx context.Context, id string) (*domain.OrgDetail, error) {
	if !domain.IsID(id) {
		return nil, ErrNotFound
	}
	r, err := getOne[orgRow](ctx, s.db, sqlOrganizationByID, id)
	if err != nil {
		return nil, err
	}
	d := r.detail()
	return &d, nil
}

// OrgFilter narrows the directory of organizations.
type OrgFilter = domain.OrgFilter

// The directory of verified organizations by name, and the pending applications by age;
// country, type and the cursor are optional (” and NULL: any).
var (
	sqlDirectory = statement("organization_directory", `
		SELECT o.id, o.name, o.acronym, o.country_code, o.type, o.website, o.verified, o.verified_at, o.created_at
		FROM organizations o
		WHERE o.verified AND ($1 = '' OR o.country_code = $1) AND ($2 = '' OR o.type = $2)
			AND ($4::uuid IS NULL OR (o.name, o.id) > ($3, $4::uuid))
		ORDER BY o.name, o.id LIMIT $5`)
	sqlPendingOrganizations = statement("pending_organizations", `
		SELECT o.id, o.name, o.acronym, o.country_code, o.type, o.website, o.verified, o.verified_at, o.created_at
		FROM organizations o
		WHERE NOT o.verified AND ($1 = '' OR o.country_code = $1) AND ($2 = '' OR o.type = $2)
			AND ($4::uuid IS NULL OR (o.created_at, o.id) > ($3::timestamptz, $4::uuid))
		ORDER BY o.created_at, o.id LIMIT $5`)
)

// Organizations lists verified organizations by name, or pending applications by age.
func (s *Store) Organizations(ctx context.Context, f OrgFilter) ([]domain.OrgDetail, bool, error) {
	query := sqlDirectory
	if f.Pending {
		query = sqlPendingOrganizations
	}
	var afterKey, afterID any // NULL: the first page
	if f.AfterID != "" {
		afterKey, afterID = f.AfterKey, f.AfterID
	}
	var rows []orgRow
	if err := s.db.SelectContext(ctx, &rows, query, f.Country, f.Type, afterKey, afterID, f.Limit+1); err != nil {
		return nil, false, err
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.OrgDetail, len(rows))
	for i, r := range rows {
		out[i] = r.detail()
	}
	return out, more, nil
}

// Members lists an organization's members, owners first.
func (s *Store) Members(ctx context.Context, orgID string) ([]domain.Member, error) {
	type memberRow struct {
		UserID  string    `db:"user_id"`
		Email   string    `db:"email"`
		Name    string    `db:"display_name"`
		Role    string    `db:"role"`
		AddedAt time.Time `db:"added_at"`
	}
	return selectAll(ctx, s.db, func(r memberRow) domain.Member { return domain.Member(r) }, sqlMembers, orgID)
}

// Memberships lists the organizations a user belongs to, with their role, by name (a user
// belongs to a handful; a bound is kept).
func (s *Store) Memberships(ctx context.Context, userID string) ([]domain.MembershipRecord, error) {
	type membershipRow struct {
		ID      string    `db:"id"`
		Name    string    `db:"name"`
		Acronym *string   `db:"acronym"`
		Role    string    `db:"role"`
		AddedAt time.Time `db:"added_at"`
	}
	return selectAll(ctx, s.db, func(r membershipRow) domain.MembershipRecord {
		return domain.MembershipRecord{Organization: domain.OrgRef{ID: r.ID, Name: r.Name, Acronym: r.Acronym}, Role: r.Role, AddedAt: r.AddedAt}
	}, sqlMemberships, userID)
}

// AllInterests lists every expression of interest an investor sent, newest first, page by page
// (for the data export).
func (s *Store) AllInterests(ctx context.Context, investorID string, langs []string) ([]domain.Interest, error) {
	var all []domain.Interest
	f := InterestFilter{InvestorID: investorID, Limit: domain.MaxLimit, Langs: langs}
	for {
		page, next, err := s.Interests(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == nil {
			return all, nil
		}
		f.After = next
	}
}

// lockedMemberRole locks an organization and reads the role of one of its members
// (ErrNotFound when the user is not one).
func lockedMemberRole(ctx context.Context, tx *sqlx.Tx, orgID, userID string) (string, error) {
	if err := lockOrg(ctx, tx, orgID); err != nil {
		return "", err
	}
	var role string
	err := tx.GetContext(ctx, &role, sqlMemberRole, orgID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return role, err
}

// RemoveMember ends a membership; the last owner cannot leave.
func (s *Store) RemoveMember(ctx context.Context, actorID, orgID, userID string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		role, err := lockedMemberRole(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		if role == domain.RoleOwner {
			if err := keepAnOwner(ctx, tx, orgID, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, sqlDeleteMember, orgID, userID); err != nil {
			return err
		}
		return auditOrg(ctx, tx, actorID, orgID, "remove_member", map[string]domain.FieldChange{"member:" + userID: {Before: role, After: nil}})
	})
}

// lockOrg serializes membership changes of one organization, so that two owners removing
// each other at once cannot leave it with none.
func lockOrg(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	var id string
	err := tx.GetContext(ctx, &id, sqlLockOrganization, orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// lockedSnapshot locks the organization's row for a change and returns its snapshot as it was.
func lockedSnapshot(ctx context.Context, tx *sqlx.Tx, orgID string) (map[string]any, error) {
	if err := lockOrg(ctx, tx, orgID); err != nil {
		return nil, err
	}
	return orgSnapshot(ctx, tx, orgID)
}

func keepAnOwner(ctx context.Context, tx *sqlx.Tx, orgID, leaving string) error {
	var others int
	if err := tx.GetContext(ctx, &others, sqlOtherOwners, orgID, leaving); err != nil {
		return err
	}
	if others == 0 {
		return domain.Denied{Decision: domain.LastOwner}
	}
	return nil
}

// SetVerified verifies or unverifies an organization; a no-op when it already is so.
func (s *Store) SetVerified(ctx context.Context, actorID, orgID string, verified bool) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := lockedSnapshot(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if verified {
			if err := identityFree(ctx, tx, orgID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, sqlSetVerified, orgID, verified); err != nil {
			return err
		}
		action := "verify"
		if !verified {
			action = "unverify"
		}
		return auditOrgChange(ctx, tx, actorID, orgID, action, before)
	})
}

// identityChanges says whether writing cols would change any of the organization's values.
func identityChanges(before map[string]any, cols map[string]any) bool {
	for col, v := range cols {
		if p, ok := v.(*string); ok {
			if p == nil {
				v = nil
			} else {
				v = *p
			}
		}
		if v != before[col] {
			return true
		}
	}
	return false
}

// identityFree checks, under the organization's lock, that no other verified organization of
// its country has its name or acronym (the unique indexes of migration 00009 are the backstop).
func identityFree(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	var taken bool
	if err := tx.GetContext(ctx, &taken, sqlIdentityTaken, orgID); err != nil {
		return err
	}
	if taken {
		return domain.ErrIdentityTaken
	}
	return nil
}

// UpdateOrganization changes an organization's name, acronym or website (columns checked by
// the caller: name, acronym, website); an unchanged write records nothing. These are the
// identity that verification vouches for: once verified, only an administrator (byAdmin)
// changes them, and never into another verified organization's name or acronym. Before, the
// owner of a verified agency could rename it into a regulator and publish at once "as" it.
func (s *Store) UpdateOrganization(ctx context.Context, actorID, orgID string, change domain.OrgIdentity, byAdmin bool) error {
	cols := map[string]any{}
	if change.Name != nil {
		cols["name"] = *change.Name
	}
	for col, v := range map[string]struct {
		value *string
		clear bool
	}{"acronym": {change.Acronym, change.ClearAcronym}, "website": {change.Website, change.ClearWebsite}} {
		switch {
		case v.clear:
			cols[col] = nil
		case v.value != nil:
			cols[col] = *v.value
		}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := lockedSnapshot(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if len(cols) == 0 {
			return nil
		}
		// Decided on the row as locked: a verification granted meanwhile is seen.
		if verified, _ := before["verified"].(bool); verified && !byAdmin && identityChanges(before, cols) {
			return domain.Denied{Decision: domain.IdentityNeedsAdmin}
		}
		name, setName := cols["name"]
		acronym, setAcronym := cols["acronym"]
		website, setWebsite := cols["website"]
		if _, err := tx.ExecContext(ctx, sqlUpdateOrganizationIdentity, orgID,
			setName, name, setAcronym, acronym, setWebsite, website); err != nil {
			if isUniqueViolation(err, "organizations_verified_name", "organizations_verified_acronym") {
				return domain.ErrIdentityTaken
			}
			return err
		}
		// Its name and acronym are shown with the content it publishes or operates.
		if _, err := tx.ExecContext(ctx, sqlReadModelOrganization, orgID); err != nil {
			return err
		}
		return auditOrgChange(ctx, tx, actorID, orgID, "update", before)
	})
}

// jsonSnapshot runs a query that returns one jsonb object and decodes it.
func jsonSnapshot(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (map[string]any, error) {
	var raw []byte
	err := tx.GetContext(ctx, &raw, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(raw, &out)
}
