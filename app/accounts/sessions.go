package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// RefreshTTL is how long a refresh token lasts unused.
const RefreshTTL = 30 * 24 * time.Hour

// refreshTokenShape is the shape of a refresh token (base64url, as newRefreshToken makes
// them); anything else is not one.
var refreshTokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkRefreshToken refuses what cannot be a refresh token, as a missing one.
func checkRefreshToken(token string) error {
	if token == "" || len(token) > 200 || !refreshTokenShape.MatchString(token) {
		var v domain.Invalid
		v.Add("refresh_token", "required", nil)
		return v.Err()
	}
	return nil
}

// openSession stores the hash of a new refresh token of a new family and returns the token.
func (s *Service) openSession(ctx context.Context, user *domain.User) (string, error) {
	token, hash, err := newRefreshToken()
	if err != nil {
		return "", err
	}
	if err := s.store.CreateRefreshToken(ctx, user.ID, "", hash, time.Now().Add(RefreshTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// Refresh spends a refresh token and returns its user and the token's successor. A token
// that is unknown, expired or revoked is domain.ErrTokenInvalid; one used a second time
// revokes its whole family and is domain.ErrTokenReused.
func (s *Service) Refresh(ctx context.Context, token string) (*domain.User, string, error) {
	if err := checkRefreshToken(token); err != nil {
		return nil, "", err
	}
	next, nextHash, err := newRefreshToken()
	if err != nil {
		return nil, "", err
	}
	// The user comes back from the rotating transaction: an account erased or re-keyed while
	// this ran is either seen here (refused) or sees this token (and revokes it).
	user, err := s.store.RotateRefreshToken(ctx, hashRefreshToken(token), nextHash, time.Now().Add(RefreshTTL))
	if err != nil {
		return nil, "", err
	}
	return user, next, nil
}

// Logout revokes the family of a refresh token; an unknown token is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if err := checkRefreshToken(token); err != nil {
		return err
	}
	return s.store.RevokeRefreshFamily(ctx, hashRefreshToken(token))
}

// newRefreshToken makes an opaque refresh token and the hash that is stored in its place.
func newRefreshToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashRefreshToken(token), nil
}

func hashRefreshToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// TokenUser returns the user an access token was issued to, provided the token is of the
// account's current version: a password change voids every token issued before it.
// domain.ErrTokenInvalid when the account was erased or re-keyed since.
func (s *Service) TokenUser(ctx context.Context, userID string, version int) (*domain.User, error) {
	user, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.ErrTokenInvalid
	}
	if err != nil {
		return nil, err
	}
	if user.TokenVersion != version {
		return nil, domain.ErrTokenInvalid
	}
	return user, nil
}
