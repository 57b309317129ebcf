package repository

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

var (
	// The lock is taken by a statement of its own: a count in the same statement would read the
	// snapshot taken before the wait, without the keys that the lock's previous holder committed.
	sqlAPIKeyLockUser = statement("api_key_lock_user", `SELECT FROM users WHERE id = $1 FOR UPDATE`)
	sqlAPIKeysLive    = statement("api_keys_live", `
		SELECT count(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`)
	sqlAPIKeyInsert = statement("api_key_insert", `
		INSERT INTO api_keys (user_id, name, key_hash, prefix, scopes, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at`)
	sqlAPIKeysOfUser = statement("api_keys_of_user", `
		SELECT id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
		FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`)
	// A key revoked before stays revoked at its first time.
	sqlAPIKeyRevoke = statement("api_key_revoke", `
		UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2`)
	// sqlAPIKeyAuthenticate reads a key by its hash ($1) with its user, and records its use (at
	// most once a minute per key, to spare writes), in one round trip: the update's new time
	// is taken when it ran, the stored one otherwise.
	sqlAPIKeyAuthenticate = statement("api_key_authenticate", `
		WITH used AS (
			UPDATE api_keys SET last_used_at = now()
			WHERE key_hash = $1 AND revoked_at IS NULL AND expires_at > now()
			  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
			RETURNING id, last_used_at)
		SELECT k.id, k.user_id, k.name, k.prefix, k.scopes, k.created_at, k.expires_at,
			coalesce(used.last_used_at, k.last_used_at) AS last_used_at, k.revoked_at,
			u.id, u.email, u.password_hash, u.role, u.display_name, u.lang, u.password_changed_at, u.token_version,
			u.created_at, u.updated_at
		FROM api_keys k JOIN users u ON u.id = k.user_id LEFT JOIN used ON used.id = k.id
		WHERE k.key_hash = $1`)

	// The change log after $1, $2 entries, of every country or of one ($4, all when ''). Changes
	// of examples are left out unless $3 (examples shown): their own rows say so, and a deleted
	// example's tombstone has none left and is shown. The statement runs unprepared, so that
	// PostgreSQL plans it with the values: a country is then a plain equality, which
	// content_changes_country serves.
	sqlChanges = statement("changes", `
		SELECT seq, kind, item_id, slug, country_code, change, changed_at FROM content_changes
		WHERE seq > $1 AND ($4 = '' OR country_code = $4)
		  AND ($3 OR item_id NOT IN (SELECT id FROM opportunities WHERE illustrative
			UNION ALL SELECT id FROM incentives WHERE illustrative UNION ALL SELECT id FROM programmes WHERE illustrative))
		ORDER BY seq LIMIT $2`)
	// Quota counts made in memory, added to the shared counters in one statement: $3[i]
	// events (negative after refunds) to the window of bucket $1[i] that starts at $2[i].
	sqlAddRateLimits = statement("add_rate_limits", `
		INSERT INTO rate_limits (bucket, window_start, hits)
		SELECT bucket, window_start, hits FROM unnest($1::text[], $2::timestamptz[], $3::integer[]) AS a(bucket, window_start, hits)
		-- In one order for every instance: two flushes of overlapping buckets in map order
		-- locked the rows in opposite orders and deadlocked.
		ORDER BY bucket, window_start
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + excluded.hits
		RETURNING bucket, window_start, hits`)
	sqlLastChange = statement("last_change", `SELECT coalesce(max(seq), 0) FROM content_changes`)
)

// apiKeyColumns are where a key's columns go, in the order the statements above select them.
func apiKeyColumns(k *domain.APIKey) []any {
	return []any{&k.ID, &k.UserID, &k.Name, &k.Prefix, pq.Array(&k.Scopes), &k.CreatedAt, &k.ExpiresAt, &k.LastUsedAt, &k.RevokedAt}
}

// APIKeyInput is a new key of a user: its hash is stored, never the key.
type APIKeyInput = domain.NewAPIKey

// MaxAPIKeys is how many live keys (neither revoked nor expired) one user may hold.
const MaxAPIKeys = domain.MaxAPIKeys

// ErrTooMany is returned when a user already holds as many keys as allowed.
var ErrTooMany = domain.ErrTooMany

// CreateAPIKey stores a new key of userID; domain.ErrTooManyKeys when the user holds
// MaxAPIKeys live keys. The count is checked under a lock on the user, so concurrent
// creations cannot pass the limit together.
func (s *Store) CreateAPIKey(ctx context.Context, userID string, in APIKeyInput) (*domain.APIKey, error) {
	var out *domain.APIKey
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlAPIKeyLockUser, userID); err != nil {
			return err
		}
		var live int
		if err := tx.GetContext(ctx, &live, sqlAPIKeysLive, userID); err != nil {
			return err
		}
		if live >= MaxAPIKeys {
			return domain.ErrTooManyKeys
		}
		var err error
		out, err = scanOne(ctx, tx, apiKeyColumns, sqlAPIKeyInsert, userID, in.Name, in.Hash, in.Prefix, pq.Array(in.Scopes), in.ExpiresAt)
		return err
	})
	if err != nil && !errors.Is(err, ErrTooMany) {
		return nil, fmt.Errorf("repository: create api key: %w", err)
	}
	return out, err
}

// APIKeys lists a user's keys, newest first, revoked and expired ones included (for a while:
// see PruneAPIKeys).
func (s *Store) APIKeys(ctx context.Context, userID string) ([]*domain.APIKey, error) {
	var keys []domain.APIKey
	if err := scanInto(ctx, s.db, &keys, apiKeyColumns, sqlAPIKeysOfUser, userID); err != nil {
		return nil, fmt.Errorf("repository: api keys: %w", err)
	}
	out := make([]*domain.APIKey, len(keys))
	for i := range keys {
		out[i] = &keys[i]
	}
	return out, nil
}

// RevokeAPIKey revokes a key of userID. It is ErrNotFound when the user has no such key; a key
// revoked before stays revoked at its first time.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id string) error {
	res, err := s.db.ExecContext(ctx, sqlAPIKeyRevoke, id, userID)
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
	type keyAndUser struct {
		key  domain.APIKey
		user domain.User
	}
	row, err := scanOne(ctx, s.db, func(r *keyAndUser) []any {
		return append(apiKeyColumns(&r.key), userColumns(&r.user)...)
	}, sqlAPIKeyAuthenticate, hash)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("repository: api key: %w", err)
	}
	return &row.key, &row.user, nil
}

// AddRateLimits adds counts to the rate-limit counters in one statement (adds[i] to the
// window of buckets[i] starting at starts[i]) and returns each counter's total, in order.
func (s *Store) AddRateLimits(ctx context.Context, buckets []string, starts []time.Time, adds []int) ([]int, error) {
	var rows []struct {
		Bucket string    `db:"bucket"`
		Start  time.Time `db:"window_start"`
		Hits   int       `db:"hits"`
	}
	if err := s.db.SelectContext(ctx, &rows, sqlAddRateLimits, pq.Array(buckets), pq.Array(starts), pq.Array(adds)); err != nil {
		return nil, fmt.Errorf("repository: add rate limits: %w", err)
	}
	type key struct {
		bucket string
		start  int64
	}
	totals := make(map[key]int, len(rows))
	for _, r := range rows {
		totals[key{r.Bucket, r.Start.UnixNano()}] = r.Hits
	}
	out := make([]int, len(buckets))
	for i := range buckets {
		out[i] = totals[key{buckets[i], starts[i].UnixNano()}]
	}
	return out, nil
}

type changeRow struct {
	Seq       int64     `db:"seq"`
	Kind      string    `db:"kind"`
	ItemID    string    `db:"item_id"`
	Slug      string    `db:"slug"`
	Country   string    `db:"country_code"`
	Change    string    `db:"change"`
	ChangedAt time.Time `db:"changed_at"`
}

// Changes returns up to limit entries of the change log after seq, oldest first, of one
// country or all ("").
func (s *Store) Changes(ctx context.Context, after int64, country string, limit int) ([]domain.Change, error) {
	var rows []changeRow
	if err := sqlx.SelectContext(ctx, s.reads, &rows, sqlChanges, after, limit, s.examples, country); err != nil {
		return nil, fmt.Errorf("repository: changes: %w", err)
	}
	changes := make([]domain.Change, len(rows))
	for i, r := range rows {
		changes[i] = domain.Change(r)
	}
	return changes, nil
}

// LastChange is the greatest seq of the change log (0 when empty).
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := sqlx.GetContext(ctx, s.reads, &seq, sqlLastChange); err != nil {
		return 0, fmt.Errorf("repository: last change: %w", err)
	}
	return seq, nil
}

// CountryHeading is a country as a feed names it: its name in the first of langs it has.
// ErrNotFound when the code is unknown.
func (s *Store) CountryHeading(ctx context.Context, code string, langs []string) (domain.Country, error) {
	d, err := s.Country(ctx, code, langs)
	if err != nil {
		return domain.Country{}, err
	}
	return d.Country, nil
}
