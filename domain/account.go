package domain

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Roles of users. Agency membership comes from organizations.
var Roles = CodeSet{"role", []string{"investor", "admin"}}

// LegalForms an investor can have.
var LegalForms = CodeSet{"legal_form", []string{"individual", "company", "association"}}

// User is an account.
type User struct {
	ID                string
	Email             string
	PasswordHash      string
	Role              string
	DisplayName       string
	Lang              *string
	PasswordChangedAt time.Time
	TokenVersion      int
	CreatedAt         time.Time
	UpdatedAt         time.Time
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

// Errors of the account use cases.
var (
	// ErrInvalidCredentials: the e-mail is unknown or the password is another; a login does not
	// say which.
	ErrInvalidCredentials = errors.New("invalid e-mail or password")
	// ErrEmailTaken: an account already has this e-mail, in any case (a conflict).
	ErrEmailTaken = emailTaken{}
)

type emailTaken struct{}

func (emailTaken) Error() string { return "e-mail already taken" }

// Is makes errors.Is(err, ErrConflict) hold.
func (emailTaken) Is(target error) bool { return target == ErrConflict }

// MaxDisplayName is the longest display name, in characters.
const MaxDisplayName = 100

// PasswordRuleData fills the placeholders of the password rules' messages.
var PasswordRuleData = map[string]any{"Min": MinPasswordLen, "Max": MaxPasswordLen}

// DisplayName checks a display name: counted as sent, one line, kept without surrounding
// spaces.
func (v *Invalid) DisplayName(name, value string) string {
	if utf8.RuneCountInString(value) > MaxDisplayName {
		v.Add(name, "too_long", map[string]any{"Max": MaxDisplayName})
	} else if strings.ContainsAny(value, "\x00\r\n") {
		v.Add(name, "invalid_encoding", nil)
	}
	return strings.TrimSpace(value)
}

// NewPassword checks a new password for the account of email: required, then the password
// rules.
func (v *Invalid) NewPassword(name, password, email string) {
	if password == "" {
		v.Add(name, "required", nil)
	} else if err := CheckPassword(password, email); err != nil {
		v.Add(name, err.Error(), PasswordRuleData)
	}
}

// UserChange is a partial update of an account: nil fields stay as they are.
type UserChange struct {
	DisplayName *string
	SetLang     bool
	Lang        *string // with SetLang: the new preferred language, nil to clear it
}

// Bookmark is one saved opportunity, by id.
type Bookmark struct {
	ID      string
	SavedAt time.Time
}

// AccountExport is everything held about a user, as the API's export and the site's give it.
type AccountExport struct {
	At       time.Time
	User     *User
	Profile  *Profile
	Saved    []Bookmark
	Sessions []Session
	APIKeys  []*APIKey
	// What the user did on the agencies' side: the interests they sent, the organizations they
	// belong to.
	Interests   []Interest
	Memberships []MembershipRecord
}

// ProfileChange is a whole investor profile as a client sends it, before any check: PUT
// replaces the profile, and a nil or empty field clears it (the display name aside, which
// stays as it is when nil).
type ProfileChange struct {
	DisplayName      *string
	OriginCountry    *string
	ResidenceCountry *string
	Languages        []string
	Sectors          []string
	Regions          []string
	TicketMin        *Money
	TicketMax        *Money
	InvestorType     *string
	LegalForm        *string
}

// ProfileRecord is a whole profile to store, every code checked and canonical.
type ProfileRecord struct {
	DisplayName      string
	OriginCountry    *string
	ResidenceCountry *string
	Languages        []string
	Sectors          []string
	Regions          []string
	TicketMin        *string
	TicketMax        *string
	TicketCurrency   *string
	InvestorType     *string
	LegalForm        *string
}
