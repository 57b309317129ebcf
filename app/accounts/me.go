package accounts

import (
	"context"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// MeChange is a partial update of one's account: nil or unset fields stay as they are.
type MeChange struct {
	DisplayName *string
	// SetLang: lang was sent; Lang is the new preferred language, nil to clear it.
	SetLang bool
	Lang    *string
	// LangNotString: lang was sent as something else than a string or null.
	LangNotString bool
}

// ChangeMe applies a partial update to the user's account and returns the account.
func (s *Service) ChangeMe(ctx context.Context, user *domain.User, in MeChange) (*domain.User, error) {
	var v domain.Invalid
	var change domain.UserChange
	if in.DisplayName != nil {
		name := v.DisplayName("display_name", *in.DisplayName)
		change.DisplayName = &name
	}
	if in.SetLang {
		change.SetLang = true
		if in.LangNotString {
			v.Add("lang", "invalid_type", map[string]any{"Expected": "string"})
		} else {
			change.Lang = s.preferredLanguage(&v, in.Lang)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.store.UpdateUser(ctx, user.ID, change)
}

// PasswordChange is the input of ChangePassword.
type PasswordChange struct {
	Current string
	New     string
}

// ChangePassword replaces the user's password once the current one is given, and ends every
// session: access tokens issued before stop working, refresh tokens are revoked. Guessing the
// current password with a stolen token is a failed login like any other (guard).
func (s *Service) ChangePassword(ctx context.Context, user *domain.User, in PasswordChange, guard Guard) error {
	var v domain.Invalid
	if in.Current == "" {
		v.Add("current_password", "required", nil)
	} else if err := s.checkCurrent(ctx, &v, user, in.Current, guard); err != nil {
		return err
	}
	if in.New != "" && in.New == in.Current {
		v.Add("new_password", "same_password", nil)
	} else {
		v.NewPassword("new_password", in.New, user.Email)
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := domain.HashPassword(ctx, in.New)
	if err != nil {
		return err
	}
	return s.store.ChangePassword(ctx, user.ID, hash)
}

// checkCurrent checks the current password, counting a wrong one as a failed login.
func (s *Service) checkCurrent(ctx context.Context, v *domain.Invalid, user *domain.User, current string, guard Guard) error {
	account := strings.ToLower(user.Email)
	if err := guard.Guessing(ctx, account); err != nil {
		return err
	}
	ok, err := domain.VerifyPassword(ctx, current, user.PasswordHash)
	if err != nil || ok {
		return err
	}
	if err := guard.Failed(ctx, account); err != nil {
		return err
	}
	v.Add("current_password", "wrong_password", nil)
	return nil
}

// Erase deletes the user's account and everything personal with it, and forgets the rate-limit
// counters keyed by the account (buckets).
func (s *Service) Erase(ctx context.Context, user *domain.User, buckets []string) error {
	if err := s.store.DeleteUser(ctx, user.ID); err != nil {
		return err
	}
	return s.store.DeleteRateLimits(ctx, buckets)
}
