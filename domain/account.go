package domain

import (
	"net/mail"
	"strings"
	"time"
)

// Roles of users. Agency membership comes from organizations.
var Roles = CodeSet{"role", []string{"investor", "admin"}}

// LegalForms an investor can have.
var LegalForms = CodeSet{"legal_form", []string{"individual", "company", "association"}}

// User is an account.
type User struct {
	ID                string    `db:"id"`
	Email             string    `db:"email"`
	PasswordHash      string    `db:"password_hash"`
	Role              string    `db:"role"`
	DisplayName       string    `db:"display_name"`
	Lang              *string   `db:"lang"`
	PasswordChangedAt time.Time `db:"password_changed_at"`
	TokenVersion      int       `db:"token_version"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

// Profile is what an investor tells about themselves, for matching and recommendations.
type Profile struct {
	DisplayName      string
	OriginCountry    *string
	ResidenceCountry *string
	Languages        []string
	Sectors          []string
	Regions          []RegionRef
	TicketMin        *Money
	TicketMax        *Money
	InvestorType     *string
	LegalForm        *string
	UpdatedAt        *time.Time
}

// NormalizeEmail trims an e-mail and checks its shape; "" when it is not an address.
// Addresses are ASCII only: PostgreSQL (and most mail systems) fold only ASCII case, and an
// address that two spellings could claim must not exist twice.
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>") {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return ""
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return ""
	}
	return s
}

// SavedOpportunity is a bookmark.
type SavedOpportunity struct {
	SavedAt     time.Time
	Opportunity Opportunity
}

// Session is a refresh-token family, as shown in an export.
type Session struct {
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}
