package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

const apiKeyColumns = `id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at`

type apiKeyRow struct {
	domain.APIKey
	ScopeList pq.StringArray `db:"scopes"`
}

func (r apiKeyRow) toDomain() *domain.APIKey {
	k := r.APIKey
	k.Scopes = []string(r.ScopeList)
	return &k
}

// APIKeyInput is a new key of a user: its hash is stored, never the key.
type APIKeyInput struct {
	Name      string
	Hash      []byte
	Prefix    string
	Scopes    []string
	ExpiresAt time.Time
}

// MaxAPIKeys is how many live keys (neither revoked nor expired) one user may hold.
const MaxAPIKeys = 20

// ErrTooMany is returned when a user already holds as many keys as allowed.
var ErrTooMany = domain.ErrTooMany

// CreateAPIKey stores a new key of userID. The count of live keys is checked under a lock on
// the user, so concurrent creations cannot pass the limit together. The lock is taken by a
// statement of its own: a count in the same statement would read the snapshot taken before
// the wait, without the keys that the lock's previous holder committed.
func (s *Store) CreateAPIKey(ctx context.Context, userID string, in APIKeyInput) (*domain.APIKey, error) {
	var out *domain.APIKey
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return err
		}
		var live int
		if err := tx.GetContext(ctx, &live, `SELECT count(*) FROM api_keys
			WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`, userID); err != nil {
			return err
		}
		if live >= MaxAPIKeys {
			return ErrTooMany
		}
		var row apiKeyRow
		if err := tx.GetContext(ctx, &row, `
			INSERT INTO api_keys (user_id, name, key_hash, prefix, scopes, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING `+apiKeyColumns, userID, in.Name, in.Hash, in.Prefix, pq.Array(in.Scopes), in.ExpiresAt); err != nil {
			return err
		}
		out = row.toDomain()
		return nil
	})
	if err != nil && !errors.Is(err, ErrTooMany) {
		return nil, fmt.Errorf("repository: create api key: %w", err)
	}
	return out, err
}

// APIKeys lists a user's keys, newest first, revoked and expired ones included (for a while:
// see PruneAPIKeys).
func (s *Store) APIKeys(ctx context.Context, userID string) ([]*domain.APIKey, error) {
	var rows []apiKeyRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, userID); err != nil {
		return nil, fmt.Errorf("repository: api keys: %w", err)
	}
	out := make([]*domain.APIKey, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// RevokeAPIKey revokes a key of userID. It is ErrNotFound when the user has no such key; a key
// revoked before stays revoked at its first time.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
		WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("repository: revoke api key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// APIKeyByHash returns a key and its user, whatever the key's state: the caller refuses revoked
// and expired keys. It records the use (at most once a minute per key, to spare writes).
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (*domain.APIKey, *domain.User, error) {
	var row apiKeyRow
	err := s.db.GetContext(ctx, &row, `
		UPDATE api_keys SET last_used_at = now()
		WHERE key_hash = $1 AND revoked_at IS NULL AND expires_at > now()
		  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		RETURNING `+apiKeyColumns, hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.GetContext(ctx, &row, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1`, hash)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("repository: api key: %w", err)
	}
	user, err := s.UserByID(ctx, row.UserID)
	if err != nil {
		return nil, nil, err
	}
	return row.toDomain(), user, nil
}

// Changes returns up to limit entries of the change log after seq, oldest first, of one
// country or all ("").
func (s *Store) Changes(ctx context.Context, after int64, country string, limit int) ([]domain.Change, error) {
	changes := []domain.Change{}
	where, args := "seq > $1", []any{after, limit}
	if !s.examples {
		// Changes of examples are left out while examples are hidden (their own rows say so; a
		// deleted example's tombstone has none left and is shown).
		where += ` AND item_id NOT IN (SELECT id FROM opportunities WHERE illustrative
			UNION ALL SELECT id FROM incentives WHERE illustrative UNION ALL SELECT id FROM programmes WHERE illustrative)`
	}
	if country != "" {
		// A plain equality, so that content_changes_country serves it.
		where, args = where+" AND country_code = $3", append(args, country)
	}
	err := s.db.SelectContext(ctx, &changes, `
		SELECT seq, kind, item_id, slug, country_code, change, changed_at FROM content_changes
		WHERE `+where+` ORDER BY seq LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("repository: changes: %w", err)
	}
	return changes, nil
}

// LastChange is the greatest seq of the change log (0 when empty).
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.GetContext(ctx, &seq, `SELECT coalesce(max(seq), 0) FROM content_changes`); err != nil {
		return 0, fmt.Errorf("repository: last change: %w", err)
	}
	return seq, nil
}
