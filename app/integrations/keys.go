// Package integrations holds the use cases of third-party apps: a user's API keys (created
// within limits and scopes, listed, revoked, and checked on each request that carries one) and
// the change log of published content that apps follow. It knows nothing of HTTP or SQL.
package integrations

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/diaspora-investor/marketplace/domain"
)

// Limits of API keys.
const (
	DefaultKeyLifetime = 90  // days
	MaxKeyLifetime     = 365 // days
	MaxKeyName         = 100 // characters
	maxKeyLength       = 100 // bytes: a longer key is no key of ours
	keySecretBytes     = 32
	keyVisiblePrefix   = 8 // characters of the secret shown in lists, after domain.APIKeyPrefix
)

// Errors of a key presented with a request.
var (
	ErrKeyInvalid = errors.New("api key unknown")
	ErrKeyRevoked = errors.New("api key revoked")
	ErrKeyExpired = errors.New("api key expired")
)

var errKeyNotFound = domain.NotFound{Resource: "api_key"}

// Store is what these use cases need of the database.
type Store interface {
	CreateAPIKey(ctx context.Context, userID string, in domain.NewAPIKey) (*domain.APIKey, error)
	APIKeys(ctx context.Context, userID string) ([]*domain.APIKey, error)
	RevokeAPIKey(ctx context.Context, userID, id string) error
	APIKeyByHash(ctx context.Context, hash []byte) (*domain.APIKey, *domain.User, error)
	Changes(ctx context.Context, after int64, country string, limit int) ([]domain.Change, error)
	CountryExists(ctx context.Context, code string) (bool, error)
	CountryHeading(ctx context.Context, code string, langs []string) (domain.Country, error)
	Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error)
}

// Service runs the use cases over a store.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns the use cases over store.
func New(store Store) *Service { return &Service{store: store, now: time.Now} }

// KeyRequest asks for a new key: a name for its owner, its scopes, and its lifetime in days
// (DefaultKeyLifetime when nil).
type KeyRequest struct {
	Name          string
	Scopes        []string
	ExpiresInDays *int
}

// CreateKey makes a new key of user and returns it with its secret, which is shown once and
// never stored (only its hash is). A user holds at most domain.MaxAPIKeys live keys
// (domain.ErrTooManyKeys).
func (s *Service) CreateKey(ctx context.Context, user *domain.User, in KeyRequest) (*domain.APIKey, string, error) {
	key, err := s.checkKey(in)
	if err != nil {
		return nil, "", err
	}
	secret := make([]byte, keySecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, "", err
	}
	encoded := base64.RawURLEncoding.EncodeToString(secret)
	plain := domain.APIKeyPrefix + encoded
	key.Hash, key.Prefix = hashKey(plain), domain.APIKeyPrefix+encoded[:keyVisiblePrefix]
	k, err := s.store.CreateAPIKey(ctx, user.ID, key)
	if err != nil {
		return nil, "", err
	}
	return k, plain, nil
}

// checkKey checks a request for a key into the key to store (without its hash and prefix).
func (s *Service) checkKey(in KeyRequest) (domain.NewAPIKey, error) {
	var v domain.Invalid
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		v.Add("name", "required", nil)
	case utf8.RuneCountInString(in.Name) > MaxKeyName:
		v.Add("name", "too_long", map[string]any{"Max": MaxKeyName})
	case strings.ContainsAny(name, "\x00\r\n"):
		v.Add("name", "invalid_encoding", nil)
	}
	if len(in.Scopes) == 0 {
		v.Add("scopes", "required", nil)
	}
	scopes := v.FilterCodes("scopes", in.Scopes, domain.Scopes)
	days := DefaultKeyLifetime
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
		if days < 1 || days > MaxKeyLifetime {
			v.Add("expires_in_days", "out_of_range", map[string]any{"Min": 1, "Max": MaxKeyLifetime})
		}
	}
	return domain.NewAPIKey{Name: name, Scopes: scopes,
		ExpiresAt: s.now().Add(time.Duration(days) * 24 * time.Hour)}, v.Err()
}

func hashKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// Keys lists the user's keys, newest first, revoked and expired ones included for a while.
func (s *Service) Keys(ctx context.Context, user *domain.User) ([]*domain.APIKey, error) {
	return s.store.APIKeys(ctx, user.ID)
}

// Key is one of the user's keys; someone else's does not exist for them.
func (s *Service) Key(ctx context.Context, user *domain.User, id string) (*domain.APIKey, error) {
	keys, err := s.store.APIKeys(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ID == id {
			return k, nil
		}
	}
	return nil, errKeyNotFound
}

// Revoke revokes one of the user's keys at once; revoking it again changes nothing.
func (s *Service) Revoke(ctx context.Context, user *domain.User, id string) error {
	if !domain.IsID(id) {
		return errKeyNotFound
	}
	if err := s.store.RevokeAPIKey(ctx, user.ID, id); errors.Is(err, domain.ErrNotFound) {
		return errKeyNotFound
	} else if err != nil {
		return err
	}
	return nil
}

// Authenticate finds the live key that a request presents, and its user (ErrKeyInvalid,
// ErrKeyRevoked, ErrKeyExpired otherwise). The key's use is recorded.
func (s *Service) Authenticate(ctx context.Context, key string) (*domain.APIKey, *domain.User, error) {
	if !strings.HasPrefix(key, domain.APIKeyPrefix) || len(key) > maxKeyLength {
		return nil, nil, ErrKeyInvalid
	}
	k, user, err := s.store.APIKeyByHash(ctx, hashKey(key))
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil, nil, ErrKeyInvalid
	case err != nil:
		return nil, nil, err
	case k.RevokedAt != nil:
		return nil, nil, ErrKeyRevoked
	case !k.ExpiresAt.After(s.now()):
		return nil, nil, ErrKeyExpired
	}
	return k, user, nil
}
