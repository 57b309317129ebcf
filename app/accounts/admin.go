package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/diaspora-investor/marketplace/domain"
)

// Why MakeAdministrator refuses.
var (
	ErrNotAnEmail      = errors.New("not an e-mail address")
	ErrPasswordRefused = errors.New("password refused")
	ErrNotTheOwner     = errors.New("the account exists and its password is another: refusing to make it an administrator")
)

// passwordRefused wraps the reason a password is refused.
type passwordRefused struct{ reason error }

func (e passwordRefused) Error() string        { return e.reason.Error() }
func (e passwordRefused) Unwrap() error        { return e.reason }
func (e passwordRefused) Is(target error) bool { return target == ErrPasswordRefused }

// EnsureAdmin makes the first administrator from ADMIN_EMAIL and ADMIN_PASSWORD, and does
// nothing more when run again (see MakeAdministrator). Its errors speak of those settings.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) error {
	_, err := s.MakeAdministrator(ctx, email, password)
	if errors.Is(err, ErrNotAnEmail) {
		return errors.New("ADMIN_EMAIL is not an e-mail address")
	}
	if errors.Is(err, ErrPasswordRefused) {
		return fmt.Errorf("ADMIN_PASSWORD is refused: %v", errors.Unwrap(err))
	}
	if errors.Is(err, ErrNotTheOwner) {
		return errors.New("ADMIN_EMAIL names an existing account whose password is not ADMIN_PASSWORD: refusing to make it an administrator")
	}
	return err
}

// MakeAdministrator creates an administrator account (created is true), or makes the existing
// account of the e-mail an administrator. An account that already has the e-mail is made
// administrator only if its password is this one: anyone may register an address, so
// registering the operator's address first must not be a way in.
func (s *Service) MakeAdministrator(ctx context.Context, email, password string) (created bool, err error) {
	email = domain.NormalizeEmail(email)
	if email == "" {
		return false, ErrNotAnEmail
	}
	if err := domain.CheckPassword(password, email); err != nil {
		return false, passwordRefused{err}
	}
	user, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, domain.ErrNotFound) {
		hash, err := domain.HashPassword(ctx, password)
		if err != nil {
			return false, err
		}
		err = s.store.CreateAdmin(ctx, email, hash)
		if !errors.Is(err, domain.ErrConflict) {
			return err == nil, err
		}
		// Registered in the meantime: check it like any existing account.
		user, err = s.store.UserByEmail(ctx, email)
	}
	if err != nil {
		return false, err
	}
	ok, err := domain.VerifyPassword(ctx, password, user.PasswordHash)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, ErrNotTheOwner
	}
	if user.Role == "admin" {
		return false, nil
	}
	return false, s.store.MakeAdmin(ctx, user.ID)
}
