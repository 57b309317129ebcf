package domain

import (
	"fmt"
	"time"
)

// Denied is the error of a write the rules refuse; Decision says why.
type Denied struct{ Decision Decision }

func (d Denied) Error() string { return fmt.Sprintf("denied (%d)", d.Decision) }

// UserRef names a user where a record points to them.
type UserRef struct {
	ID   string
	Name string
}

// FieldChange is one field's value before and after a change (nil where it had none).
type FieldChange struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// AuditEvent is one entry of the audit trail.
type AuditEvent struct {
	ID       int64
	At       time.Time
	Actor    *UserRef // nil when the account was deleted since
	Entity   string
	EntityID string
	Action   string
	Lang     *string
	Changes  map[string]FieldChange
	Note     *string
}

// OrgDetail is an organization as its members and the public see it.
type OrgDetail struct {
	Organization
	Country    *string
	VerifiedAt *time.Time
	CreatedAt  time.Time
	// UnverifiedAt is when an administrator last withdrew its verification (nil: never; read
	// with one organization, not in lists).
	UnverifiedAt *time.Time
}

// Member is a user's membership of an organization.
type Member struct {
	UserID  string
	Email   string
	Name    string
	Role    string
	AddedAt time.Time
}

// MembershipRecord is one organization a user belongs to, for the user's own data export.
type MembershipRecord struct {
	Organization OrgRef
	Role         string
	AddedAt      time.Time
}

// Translation is what editors see of one language of an item.
type Translation struct {
	Lang      string
	UpdatedAt time.Time
	UpdatedBy *UserRef
	// Stale: written before the last change of the source language's text.
	Stale bool
}

// Editorial is the side of an item only its editors see.
type Editorial struct {
	Version      int
	Status       string
	ReviewNote   *string
	SubmittedAt  *time.Time
	CreatedAt    time.Time
	AsOf         *time.Time // when the item was last checked against its sources
	Translations []Translation
}

// ContentSummary is one line of an organization's content list or of the review queue.
type ContentSummary struct {
	Kind         Kind
	ID           string
	Slug         string
	Country      string
	Status       string
	Title        string
	Lang         string
	Langs        []string
	Organization OrgRef
	ReviewNote   *string
	SubmittedAt  *time.Time
	UpdatedAt    time.Time
	AsOf         *time.Time // when the item was last checked against its sources
}

// Interest is an expression of interest in an opportunity.
type Interest struct {
	ID           string
	Opportunity  LinkedItem
	Organization OrgRef
	Status       string
	Message      string
	Amount       *Money
	Shared       map[string]any
	Reply        *string
	RepliedAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	InvestorID   string
}

// ShareableFields are the profile fields an investor may choose to show the agency with an
// expression of interest.
var ShareableFields = []string{"display_name", "email", "origin_country", "residence_country",
	"investor_type", "legal_form", "sectors", "ticket"}

// Invitation asks the holder of an e-mail address to join an organization with a role. Nobody
// becomes a member without accepting one.
type Invitation struct {
	ID           string
	Organization OrgRef
	Email        string
	Role         string
	// Status is pending, accepted, declined or revoked; a pending invitation past ExpiresAt
	// reads as expired.
	Status     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AnsweredAt *time.Time
}

// InvitationStatus is the status as a reader should see it at now.
func (i Invitation) InvitationStatus(now time.Time) string {
	if i.Status == "pending" && !now.Before(i.ExpiresAt) {
		return "expired"
	}
	return i.Status
}

// OrgApplication is an application for a new organization; the applicant becomes its owner.
type OrgApplication struct {
	Name    string
	Acronym *string
	Country string
	Type    string
	Website *string
}

// OrgIdentity is a change to an organization's name, acronym or website: a field whose
// pointer is nil is left as it is; Clear* clears the nullable ones.
type OrgIdentity struct {
	Name         *string
	Acronym      *string
	ClearAcronym bool
	Website      *string
	ClearWebsite bool
}

// SummaryFilter narrows the lists of content summaries that editors work from: an
// organization's content, or the review queue.
type SummaryFilter struct {
	OrgID   string
	Review  bool // items in review, oldest submission first
	Kinds   []Kind
	Status  string
	Country string
	After   *Cursor
	Limit   int
	Langs   []string
}
