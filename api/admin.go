package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// EnsureAdmin makes the first administrator from ADMIN_EMAIL and ADMIN_PASSWORD, and does
// nothing more when run again. An account that already has the e-mail is made administrator
// only if its password is ADMIN_PASSWORD: anyone may register an address, so registering the
// operator's address first must not be a way in.
func EnsureAdmin(ctx context.Context, store *repository.Store, email, password string) error {
	email = domain.NormalizeEmail(email)
	if email == "" {
		return errors.New("ADMIN_EMAIL is not an e-mail address")
	}
	if err := domain.CheckPassword(password, email); err != nil {
		return fmt.Errorf("ADMIN_PASSWORD is refused: %v", err)
	}
	user, err := store.UserByEmail(ctx, email)
	if errors.Is(err, repository.ErrNotFound) {
		hash, err := domain.HashPassword(ctx, password)
		if err != nil {
			return err
		}
		err = store.CreateAdmin(ctx, email, hash)
		if !errors.Is(err, repository.ErrConflict) {
			return err
		}
		// Registered in the meantime: check it like any existing account.
		user, err = store.UserByEmail(ctx, email)
	}
	if err != nil {
		return err
	}
	ok, err := domain.VerifyPassword(ctx, password, user.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("ADMIN_EMAIL names an existing account whose password is not ADMIN_PASSWORD: refusing to make it an administrator")
	}
	if user.Role == "admin" {
		return nil
	}
	return store.MakeAdmin(ctx, user.ID)
}
