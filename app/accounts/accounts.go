// Package accounts holds the use cases of people's accounts: registering, signing in and out
// (refresh-token rotation), changing one's password and name, the investor profile, saved
// opportunities, the export and erasure of one's data, and the first administrator. Each use
// case checks its input into domain commands and has the store write; it knows nothing of HTTP
// or SQL, so that the JSON API, the web console and the command line call the same rules.
package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// Store is what these use cases need of the database.
type Store interface {
	CreateUser(ctx context.Context, email, passwordHash, displayName string, lang *string) (*domain.User, error)
	CreateAdmin(ctx context.Context, email, passwordHash string) error
	MakeAdmin(ctx context.Context, id string) error
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
	UserByID(ctx context.Context, id string) (*domain.User, error)
	UpdateUser(ctx context.Context, id string, change domain.UserChange) (*domain.User, error)
	ChangePassword(ctx context.Context, id, passwordHash string) error
	DeleteUser(ctx context.Context, id string) error

	CreateRefreshToken(ctx context.Context, userID, familyID string, hash []byte, expires time.Time) error
	RotateRefreshToken(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*domain.User, error)
	RevokeRefreshFamily(ctx context.Context, hash []byte) error
	Sessions(ctx context.Context, userID string) ([]domain.Session, error)

	RefundRateLimit(ctx context.Context, bucket string, window time.Duration) error
	DeleteRateLimits(ctx context.Context, buckets []string) error

	Profile(ctx context.Context, userID string) (*domain.Profile, error)
	PutProfile(ctx context.Context, userID string, p domain.ProfileRecord) error
	CountryExists(ctx context.Context, code string) (bool, error)
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
	UnknownRegions(ctx context.Context, country string, codes []string) ([]string, error)

	SaveOpportunity(ctx context.Context, userID, idOrSlug string) error
	UnsaveOpportunity(ctx context.Context, userID, idOrSlug string) error
	SavedOpportunities(ctx context.Context, userID string, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error)
	SavedIDs(ctx context.Context, userID string) ([]domain.Bookmark, error)

	APIKeys(ctx context.Context, userID string) ([]*domain.APIKey, error)
	AllInterests(ctx context.Context, investorID string, langs []string) ([]domain.Interest, error)
	Memberships(ctx context.Context, userID string) ([]domain.MembershipRecord, error)
}

// Service runs the use cases over a store.
type Service struct {
	store Store
	// interfaceLanguage returns the supported interface language a preferred language stands
	// for, false when none does.
	interfaceLanguage func(tag string) (string, bool)
}

// New returns the use cases over store; interfaceLanguage says which interface language a
// user's preferred language stands for (false: none is supported). With a nil
// interfaceLanguage (a command that signs nobody up), every preferred language is refused.
func New(store Store, interfaceLanguage func(tag string) (string, bool)) *Service {
	if interfaceLanguage == nil {
		interfaceLanguage = func(string) (string, bool) { return "", false }
	}
	return &Service{store: store, interfaceLanguage: interfaceLanguage}
}

// Registration is the input of Register.
type Registration struct {
	Email       string
	Password    string
	DisplayName string
	Lang        *string
}

// Register makes an investor account; domain.ErrEmailTaken when the e-mail has one already.
func (s *Service) Register(ctx context.Context, in Registration) (*domain.User, error) {
	var v domain.Invalid
	email := domain.NormalizeEmail(in.Email)
	switch {
	case in.Email == "":
		v.Add("email", "required", nil)
	case email == "":
		v.Add("email", "invalid_email", nil)
	}
	v.NewPassword("password", in.Password, email)
	name := v.DisplayName("display_name", in.DisplayName)
	lang := s.preferredLanguage(&v, in.Lang)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := domain.HashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	user, err := s.store.CreateUser(ctx, email, hash, name, lang)
	if errors.Is(err, domain.ErrConflict) {
		return nil, domain.ErrEmailTaken
	}
	return user, err
}

// preferredLanguage checks a preferred language, nil when none is given.
func (s *Service) preferredLanguage(v *domain.Invalid, tag *string) *string {
	if tag == nil {
		return nil
	}
	code, ok := s.interfaceLanguage(*tag)
	if !ok {
		v.Add("lang", "invalid_language", nil)
		return nil
	}
	return &code
}

// Counter is one rate-limit counter: a bucket and the length of its windows.
type Counter struct {
	Bucket string
	Window time.Duration
}

// Guard keeps the counters of password guesses for the interface that calls (the HTTP layer's
// rate limits, with their headers). An error of Attempt, Guessing or Failed (too many) ends the
// use case with that error.
type Guard interface {
	// Attempt counts a login attempt before its password is checked; account is the
	// lower-cased e-mail, "" when it is no address.
	Attempt(ctx context.Context, account string) error
	// Refunds names the counters that a login gives its attempt back to once the password is
	// right: a login that succeeded is not a failed login.
	Refunds(account string) []Counter
	// Guessing refuses when the account has had too many wrong guesses, without counting.
	Guessing(ctx context.Context, account string) error
	// Failed counts a wrong guess of the account's password.
	Failed(ctx context.Context, account string) error
}

// Credentials are the input of Login.
type Credentials struct {
	Email    string
	Password string
}

// Login checks the credentials and opens a session: it returns the user and the refresh token
// of a new family. Every attempt is counted before the password is checked, so that
// concurrent guesses cannot all slip under the limit; a success gives its count back. An
// unknown e-mail and a wrong password are the same domain.ErrInvalidCredentials, as slow.
func (s *Service) Login(ctx context.Context, in Credentials, guard Guard) (*domain.User, string, error) {
	var v domain.Invalid
	if in.Email == "" {
		v.Add("email", "required", nil)
	}
	if in.Password == "" {
		v.Add("password", "required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	account := strings.ToLower(domain.NormalizeEmail(in.Email))
	if err := guard.Attempt(ctx, account); err != nil {
		return nil, "", err
	}
	user, err := s.checkCredentials(ctx, account, in.Password)
	if err != nil {
		return nil, "", err
	}
	for _, c := range guard.Refunds(account) {
		if err := s.store.RefundRateLimit(ctx, c.Bucket, c.Window); err != nil {
			return nil, "", err
		}
	}
	token, err := s.openSession(ctx, user)
	return user, token, err
}

// checkCredentials returns the user of account when password is theirs.
func (s *Service) checkCredentials(ctx context.Context, account, password string) (*domain.User, error) {
	var user *domain.User
	if account != "" {
		u, err := s.store.UserByEmail(ctx, account)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
		user = u
	}
	if user == nil {
		// As slow as a real check: no hint that the account is unknown.
		if err := domain.VerifyNothing(ctx, password); err != nil {
			return nil, err
		}
		return nil, domain.ErrInvalidCredentials
	}
	ok, err := domain.VerifyPassword(ctx, password, user.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, domain.ErrInvalidCredentials
	}
	return user, nil
}
