package domain

import "time"

// Scopes an API key can carry: reading the public catalogue, and acting on its owner's own
// profile and bookmarks. A key never manages the account itself (password, e-mail, keys,
// export, erasure): that takes the user's own sign-in.
var Scopes = CodeSet{"scope", []string{"catalogue:read", "profile:read", "profile:write", "saved:read", "saved:write"}}

// APIKeyPrefix starts every API key, so that a leaked key is recognizable (secret scanners)
// and cannot be mistaken for an access token.
const APIKeyPrefix = "dim_live_"

// APIKey is an app's key, acting for its user within its scopes until it expires or is revoked.
type APIKey struct {
	ID         string     `db:"id"`
	UserID     string     `db:"user_id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	Scopes     []string   `db:"-"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
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
	Seq       int64     `db:"seq"`
	Kind      string    `db:"kind"`
	ItemID    string    `db:"item_id"`
	Slug      string    `db:"slug"`
	Country   string    `db:"country_code"`
	Change    string    `db:"change"`
	ChangedAt time.Time `db:"changed_at"`
}
