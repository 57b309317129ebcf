package domain

import (
	"fmt"
	"time"
)

// Scopes an API key can carry: reading the public catalogue, and acting on its owner's own
// profile and bookmarks. A key never manages the account itself (password, e-mail, keys,
// export, erasure): that takes the user's own sign-in.
var Scopes = CodeSet{"scope", []string{"catalogue:read", "profile:read", "profile:write", "saved:read", "saved:write"}}

// APIKeyPrefix starts every API key, so that a leaked key is recognizable (secret scanners)
// and cannot be mistaken for an access token.
const APIKeyPrefix = "dim_live_"

// MaxAPIKeys is how many live keys (neither revoked nor expired) one user may hold.
const MaxAPIKeys = 20

// ErrTooManyKeys: the user already holds MaxAPIKeys live keys (it is an ErrTooMany).
var ErrTooManyKeys = fmt.Errorf("%w: api keys", ErrTooMany)

// APIKey is an app's key, acting for its user within its scopes until it expires or is revoked.
type APIKey struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// NewAPIKey is a new key of a user as it is stored: its hash, never the key.
type NewAPIKey struct {
	Name      string
	Hash      []byte
	Prefix    string
	Scopes    []string
	ExpiresAt time.Time
}

// HasScope reports whether the key carries scope.
func (k *APIKey) HasScope(scope string) bool {
	for _, s := range k.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Change kinds of the change log.
const (
	ChangeCreated     = "created"     // became public (first publication, or published again)
	ChangeUpdated     = "updated"     // changed while public (translations included)
	ChangeUnpublished = "unpublished" // no longer public: archived, back to draft, or deleted
)

// Change is one entry of the change log of published content.
type Change struct {
	Seq       int64
	Kind      string
	ItemID    string
	Slug      string
	Country   string
	Change    string
	ChangedAt time.Time
}
