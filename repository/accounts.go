package repository

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// Errors of the account store.
var (
	ErrConflict     = domain.ErrConflict
	ErrTokenInvalid = domain.ErrTokenInvalid
	ErrTokenReused  = domain.ErrTokenReused
)

// isUniqueViolation reports a unique violation, of one of the named constraints when any are
// named.
func isUniqueViolation(err error, constraints ...string) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505" &&
		(len(constraints) == 0 || slices.Contains(constraints, pqErr.Constraint))
}

// The statements of accounts, sessions, profiles, saved opportunities and rate limits.
var (
	sqlCreateUser = statement("create_user", `
		INSERT INTO users (email, password_hash, display_name, lang) VALUES ($1, $2, $3, $4)
		RETURNING id, email, password_hash, role, display_name, lang, password_changed_at, token_version, created_at, updated_at`)
	sqlCreateAdmin = statement("create_admin", `
		INSERT INTO users (email, password_hash, role, display_name) VALUES ($1, $2, 'admin', 'Administrator')`)
	sqlMakeAdmin   = statement("make_admin", `UPDATE users SET role = 'admin', updated_at = now() WHERE id = $1`)
	sqlUserByEmail = statement("user_by_email", `
		SELECT id, email, password_hash, role, display_name, lang, password_changed_at, token_version, created_at, updated_at
		FROM users WHERE lower(email) = lower($1)`)
	sqlUserByID = statement("user_by_id", `
		SELECT id, email, password_hash, role, display_name, lang, password_changed_at, token_version, created_at, updated_at
		FROM users WHERE id = $1`)
	sqlUpdateUser = statement("update_user", `
		UPDATE users SET display_name = coalesce($2, display_name),
			lang = CASE WHEN $3 THEN $4 ELSE lang END, updated_at = now()
		WHERE id = $1
		RETURNING id, email, password_hash, role, display_name, lang, password_changed_at, token_version, created_at, updated_at`)
	sqlChangePassword = statement("change_password", `
		UPDATE users SET password_hash = $2, password_changed_at = now(), token_version = token_version + 1,
			updated_at = now()
		WHERE id = $1`)
	sqlRevokeUserRefreshTokens = statement("revoke_user_refresh_tokens", `
		UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`)
	sqlDeleteUser         = statement("delete_user", `DELETE FROM users WHERE id = $1`)
	sqlCreateRefreshToken = statement("create_refresh_token", `
		INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
		VALUES ($1, coalesce(nullif($2, '')::uuid, gen_random_uuid()), $3, $4)`)
	sqlRefreshTokenForUpdate = statement("refresh_token_for_update", `
		SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM refresh_tokens
		WHERE token_hash = $1 FOR UPDATE`)
	sqlRevokeRefreshFamily = statement("revoke_refresh_family", `
		UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`)
	sqlUseRefreshToken  = statement("use_refresh_token", `UPDATE refresh_tokens SET used_at = now() WHERE id = $1`)
	sqlNextRefreshToken = statement("next_refresh_token", `
		INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`)
	sqlLockTokenOwner = statement("lock_token_owner", `
		SELECT id, email, password_hash, role, display_name, lang, password_changed_at, token_version, created_at, updated_at
		FROM users WHERE id = (SELECT user_id FROM refresh_tokens WHERE token_hash = $1) FOR UPDATE`)
	sqlRevokeFamilyOfToken = statement("revoke_family_of_token", `
		UPDATE refresh_tokens SET revoked_at = now()
		WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`)
	sqlSessions = statement("sessions", `
		SELECT min(created_at) AS created_at, max(expires_at) AS expires_at,
			CASE WHEN bool_and(revoked_at IS NOT NULL) THEN max(revoked_at) END AS revoked_at
		FROM refresh_tokens WHERE user_id = $1 GROUP BY family_id ORDER BY min(created_at)`)
	sqlProfile = statement("profile", `
		SELECT u.display_name, p.origin_country, p.residence_country, coalesce(p.languages, '{}') AS languages,
			coalesce(p.sectors, '{}') AS sectors,
			ARRAY(SELECT x.code FROM unnest(p.regions) WITH ORDINALITY AS pr(code, n)
				JOIN regions x ON x.country_code = p.origin_country AND x.code = pr.code ORDER BY pr.n) AS region_codes,
			ARRAY(SELECT x.name FROM unnest(p.regions) WITH ORDINALITY AS pr(code, n)
				JOIN regions x ON x.country_code = p.origin_country AND x.code = pr.code ORDER BY pr.n) AS region_names,
			p.ticket_min::text AS ticket_min, p.ticket_max::text AS ticket_max, p.ticket_currency,
			p.investor_type, p.legal_form, p.updated_at
		FROM users u LEFT JOIN investor_profiles p ON p.user_id = u.id WHERE u.id = $1`)
	sqlSetDisplayName = statement("set_display_name", `UPDATE users SET display_name = $2, updated_at = now() WHERE id = $1`)
	sqlPutProfile     = statement("put_profile", `
		INSERT INTO investor_profiles (user_id, origin_country, residence_country, languages, sectors, regions,
			ticket_min, ticket_max, ticket_currency, investor_type, legal_form, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
		ON CONFLICT (user_id) DO UPDATE SET origin_country = EXCLUDED.origin_country,
			residence_country = EXCLUDED.residence_country, languages = EXCLUDED.languages,
			sectors = EXCLUDED.sectors, regions = EXCLUDED.regions, ticket_min = EXCLUDED.ticket_min,
			ticket_max = EXCLUDED.ticket_max, ticket_currency = EXCLUDED.ticket_currency,
			investor_type = EXCLUDED.investor_type, legal_form = EXCLUDED.legal_form, updated_at = now()`)
	sqlSaveOpportunity = statement("save_opportunity", `
		INSERT INTO saved_opportunities (user_id, opportunity_id)
		SELECT $1, o.id FROM opportunities o
		WHERE o.status = 'published' AND (o.slug = $2 OR o.id::text = lower($2)) AND (NOT o.illustrative OR $3)
		ON CONFLICT (user_id, opportunity_id) DO UPDATE SET saved_at = saved_opportunities.saved_at`)
	sqlUnsaveOpportunity = statement("unsave_opportunity", `
		DELETE FROM saved_opportunities s USING opportunities o
		WHERE s.user_id = $1 AND s.opportunity_id = o.id AND (o.slug = $2 OR o.id::text = lower($2))`)
	// The first page of bookmarks, then the pages after a cursor.
	sqlSavedFirst = statement("saved_first", `
		SELECT s.opportunity_id, s.saved_at FROM saved_opportunities s JOIN opportunities o ON o.id = s.opportunity_id
		WHERE s.user_id = $1 AND o.status = 'published'
		ORDER BY s.saved_at DESC, s.opportunity_id DESC LIMIT $2`)
	sqlSavedAfter = statement("saved_after", `
		SELECT s.opportunity_id, s.saved_at FROM saved_opportunities s JOIN opportunities o ON o.id = s.opportunity_id
		WHERE s.user_id = $1 AND o.status = 'published' AND (s.saved_at, s.opportunity_id) < ($3, $4::uuid)
		ORDER BY s.saved_at DESC, s.opportunity_id DESC LIMIT $2`)
	sqlSavedIDs = statement("saved_ids", `
		SELECT opportunity_id, saved_at FROM saved_opportunities WHERE user_id = $1 ORDER BY saved_at DESC, opportunity_id DESC`)
	sqlHitRateLimit = statement("hit_rate_limit", `
		INSERT INTO rate_limits (bucket, window_start, hits)
		VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits, window_start`)
	sqlPeekRateLimit = statement("peek_rate_limit", `
		SELECT coalesce((SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = w.start), 0) AS hits, w.start AS window_start
		FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start) w`)
	sqlPruneRateLimits = statement("prune_rate_limits", `DELETE FROM rate_limits WHERE window_start < $1`)
	sqlUnknownRegions  = statement("unknown_regions", `
		SELECT c FROM unnest($2::text[]) AS c
		WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.country_code = $1 AND r.code = c)`)
	sqlRefundRateLimit = statement("refund_rate_limit", `
		UPDATE rate_limits SET hits = hits - 1
		WHERE bucket = $1 AND window_start = to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AND hits > 0`)
	sqlDeleteRateLimits = statement("delete_rate_limits", `DELETE FROM rate_limits WHERE bucket = ANY($1)`)
)

// CreateUser makes an investor account; ErrConflict when the e-mail is taken in any case.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash, displayName string, lang *string) (*domain.User, error) {
	u, err := scanOne(ctx, s.db, userColumns, sqlCreateUser, email, passwordHash, displayName, lang)
	if isUniqueViolation(err) {
		return nil, ErrConflict
	}
	return u, err
}

// userColumns are where an account's columns go, in the order the statements above select
// (or return) them.
func userColumns(u *domain.User) []any {
	return []any{&u.ID, &u.Email, &u.PasswordHash, &u.Role, &u.DisplayName, &u.Lang, &u.PasswordChangedAt,
		&u.TokenVersion, &u.CreatedAt, &u.UpdatedAt}
}

// CreateAdmin makes an administrator account; ErrConflict when the e-mail is taken.
func (s *Store) CreateAdmin(ctx context.Context, email, passwordHash string) error {
	_, err := s.db.ExecContext(ctx, sqlCreateAdmin, email, passwordHash)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	return err
}

// MakeAdmin gives an existing account the admin role.
func (s *Store) MakeAdmin(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, sqlMakeAdmin, id)
	return err
}

// UserByEmail finds an account whatever the case of the e-mail.
func (s *Store) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	return s.user(ctx, sqlUserByEmail, email)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id string) (*domain.User, error) {
	if !domain.IsID(id) {
		return nil, ErrNotFound
	}
	return s.user(ctx, sqlUserByID, id)
}

// user reads the one account that statement finds by arg.
func (s *Store) user(ctx context.Context, statement string, arg any) (*domain.User, error) {
	return scanOne(ctx, s.db, userColumns, statement, arg)
}

// UpdateUser applies a partial update and returns the account.
func (s *Store) UpdateUser(ctx context.Context, id string, up domain.UserChange) (*domain.User, error) {
	return scanOne(ctx, s.db, userColumns, sqlUpdateUser, id, up.DisplayName, up.SetLang, up.Lang)
}

// ChangePassword stores a new hash, invalidates every access token issued so far and revokes
// every refresh token of the user, in one transaction. Updating the user's row first locks it,
// so a refresh running at the same time either finishes before (and its new token is revoked
// here) or starts after (and finds its token revoked).
func (s *Store) ChangePassword(ctx context.Context, id, passwordHash string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlChangePassword, id, passwordHash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, sqlRevokeUserRefreshTokens, id)
		return err
	})
}

// DeleteUser erases an account and everything personal with it (profile, saved
// opportunities, refresh tokens go by cascade).
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, sqlDeleteUser, id)
	return err
}

// CreateRefreshToken stores the hash of a new token, opening a family when familyID is "".
func (s *Store) CreateRefreshToken(ctx context.Context, userID, familyID string, hash []byte, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, sqlCreateRefreshToken, userID, familyID, hash, expires)
	return err
}

// RotateRefreshToken spends the token of oldHash and stores newHash as its successor, returning
// the user. A token used a second time revokes its whole family (ErrTokenReused): one of the
// two users of that token is a thief.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*domain.User, error) {
	var owner *domain.User
	var reused bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Lock the user first, as logout, password change and erasure do, so that none of them
		// can miss the token this rotation is about to create. The user read here, under the
		// lock, is the one the new tokens are issued for: a second read after commit could
		// find the account erased or its password changed in between.
		var err error
		if owner, err = lockTokenOwner(ctx, tx, oldHash); err != nil {
			return err
		}
		var t struct {
			ID        string     `db:"id"`
			UserID    string     `db:"user_id"`
			FamilyID  string     `db:"family_id"`
			ExpiresAt time.Time  `db:"expires_at"`
			UsedAt    *time.Time `db:"used_at"`
			RevokedAt *time.Time `db:"revoked_at"`
		}
		err = tx.GetContext(ctx, &t, sqlRefreshTokenForUpdate, oldHash)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return err
		}
		if t.UsedAt != nil {
			reused = true
			_, err := tx.ExecContext(ctx, sqlRevokeRefreshFamily, t.FamilyID)
			return err
		}
		if t.RevokedAt != nil || time.Now().After(t.ExpiresAt) {
			return ErrTokenInvalid
		}
		if _, err := tx.ExecContext(ctx, sqlUseRefreshToken, t.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlNextRefreshToken, t.UserID, t.FamilyID, newHash, expires); err != nil {
			return err
		}
		return nil
	})
	if err == nil && reused {
		// The revocation above is committed; only then is the reuse reported.
		return nil, ErrTokenReused
	}
	if err != nil {
		return nil, err
	}
	return owner, nil
}

// lockTokenOwner locks and returns the user a refresh token belongs to; ErrTokenInvalid when
// the token or its user is unknown.
func lockTokenOwner(ctx context.Context, tx *sqlx.Tx, hash []byte) (*domain.User, error) {
	u, err := scanOne(ctx, tx, userColumns, sqlLockTokenOwner, hash)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	return u, err
}

// RevokeRefreshFamily revokes the family of a token (logout). Unknown tokens are ignored.
func (s *Store) RevokeRefreshFamily(ctx context.Context, hash []byte) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockTokenOwner(ctx, tx, hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, sqlRevokeFamilyOfToken, hash)
		return err
	})
	if errors.Is(err, ErrTokenInvalid) {
		return nil
	}
	return err
}

// Sessions lists a user's refresh-token families.
func (s *Store) Sessions(ctx context.Context, userID string) ([]domain.Session, error) {
	type sessionRow struct {
		CreatedAt time.Time  `db:"created_at"`
		ExpiresAt time.Time  `db:"expires_at"`
		RevokedAt *time.Time `db:"revoked_at"`
	}
	return selectAll(ctx, s.db, func(r sessionRow) domain.Session { return domain.Session(r) }, sqlSessions, userID)
}

type profileRow struct {
	DisplayName      string         `db:"display_name"`
	OriginCountry    *string        `db:"origin_country"`
	ResidenceCountry *string        `db:"residence_country"`
	Languages        pq.StringArray `db:"languages"`
	Sectors          pq.StringArray `db:"sectors"`
	RegionCodes      pq.StringArray `db:"region_codes"`
	RegionNames      pq.StringArray `db:"region_names"`
	TicketMin        *string        `db:"ticket_min"`
	TicketMax        *string        `db:"ticket_max"`
	TicketCurrency   *string        `db:"ticket_currency"`
	InvestorType     *string        `db:"investor_type"`
	LegalForm        *string        `db:"legal_form"`
	UpdatedAt        *time.Time     `db:"updated_at"`
}

// Profile reads a user's investor profile; an empty one before the first save.
func (s *Store) Profile(ctx context.Context, userID string) (*domain.Profile, error) {
	r, err := getOne[profileRow](ctx, s.db, sqlProfile, userID)
	if err != nil {
		return nil, err
	}
	p := &domain.Profile{DisplayName: r.DisplayName, OriginCountry: r.OriginCountry, ResidenceCountry: r.ResidenceCountry,
		Languages: r.Languages, Sectors: r.Sectors, TicketMin: money(r.TicketMin, r.TicketCurrency),
		TicketMax: money(r.TicketMax, r.TicketCurrency), InvestorType: r.InvestorType, LegalForm: r.LegalForm,
		UpdatedAt: r.UpdatedAt, Regions: make([]domain.RegionRef, len(r.RegionCodes))}
	for i, code := range r.RegionCodes {
		p.Regions[i] = domain.RegionRef{Code: code, Name: r.RegionNames[i]}
	}
	return p, nil
}

// PutProfile replaces a user's profile (and display name) in one transaction; its codes are
// already checked.
func (s *Store) PutProfile(ctx context.Context, userID string, p domain.ProfileRecord) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlSetDisplayName, userID, p.DisplayName); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, sqlPutProfile,
			userID, p.OriginCountry, p.ResidenceCountry, strs(p.Languages), strs(p.Sectors), strs(p.Regions),
			p.TicketMin, p.TicketMax, p.TicketCurrency, p.InvestorType, p.LegalForm)
		return err
	})
}

// SaveOpportunity bookmarks a published opportunity (by id or slug); saving twice is harmless.
func (s *Store) SaveOpportunity(ctx context.Context, userID, idOrSlug string) error {
	res, err := s.db.ExecContext(ctx, sqlSaveOpportunity, userID, idOrSlug, s.examples)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// UnsaveOpportunity removes a bookmark; removing one that is not there is harmless.
func (s *Store) UnsaveOpportunity(ctx context.Context, userID, idOrSlug string) error {
	_, err := s.db.ExecContext(ctx, sqlUnsaveOpportunity, userID, idOrSlug)
	return err
}

// SavedOpportunities lists a user's bookmarks of published opportunities, newest first, in
// pages: one query for the page of bookmarks, one for their opportunities.
func (s *Store) SavedOpportunities(ctx context.Context, userID string, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error) {
	limit := f.Limit
	if limit < 1 || limit > domain.MaxLimit {
		limit = domain.DefaultLimit
	}
	var marks []bookmarkRow
	var err error
	if a := f.After; a != nil {
		err = s.db.SelectContext(ctx, &marks, sqlSavedAfter, userID, limit+1, a.PublishedAt, a.ID)
	} else {
		err = s.db.SelectContext(ctx, &marks, sqlSavedFirst, userID, limit+1)
	}
	if err != nil {
		return nil, err
	}
	page := &domain.Page[domain.SavedOpportunity]{Items: []domain.SavedOpportunity{}}
	if len(marks) > limit {
		marks = marks[:limit]
		last := marks[len(marks)-1]
		page.Next = &domain.Cursor{List: f.Fingerprint(domain.KindSaved), PublishedAt: last.SavedAt, ID: last.ID}
	}
	if len(marks) == 0 {
		return page, nil
	}
	ids := make([]string, len(marks))
	for i, m := range marks {
		ids[i] = m.ID
	}
	opps, _, err := selectRows(ctx, s.db, opportunitySpec,
		s.public(domain.ListFilter{IDs: ids, Limit: len(ids), Langs: f.Langs}), "", opportunityFields)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]domain.Opportunity, len(opps))
	for _, o := range opps {
		byID[o.ID] = o
	}
	for _, m := range marks {
		if o, ok := byID[m.ID]; ok {
			page.Items = append(page.Items, domain.SavedOpportunity{SavedAt: m.SavedAt, Opportunity: o})
		}
	}
	return page, nil
}

// bookmarkRow is one saved opportunity, by id.
type bookmarkRow struct {
	ID      string    `db:"opportunity_id"`
	SavedAt time.Time `db:"saved_at"`
}

// SavedIDs lists every bookmark of a user, newest first, for the export.
func (s *Store) SavedIDs(ctx context.Context, userID string) ([]domain.Bookmark, error) {
	return selectAll(ctx, s.db, func(r bookmarkRow) domain.Bookmark { return domain.Bookmark(r) }, sqlSavedIDs, userID)
}

// HitRateLimit counts one more event in the current window of bucket and returns the count
// and when the window ends. Every instance shares the counters through the database.
func (s *Store) HitRateLimit(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	return s.rateWindow(ctx, sqlHitRateLimit, bucket, window)
}

// PeekRateLimit returns the count of the current window of bucket without adding to it.
func (s *Store) PeekRateLimit(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	return s.rateWindow(ctx, sqlPeekRateLimit, bucket, window)
}

// rateWindow runs a rate-limit statement and returns the window's count and end.
func (s *Store) rateWindow(ctx context.Context, query, bucket string, window time.Duration) (int, time.Time, error) {
	var row struct {
		Hits  int       `db:"hits"`
		Start time.Time `db:"window_start"`
	}
	err := s.db.GetContext(ctx, &row, query, bucket, window.Seconds())
	return row.Hits, row.Start.Add(window), err
}

// PruneRateLimits forgets windows that ended before the given time.
func (s *Store) PruneRateLimits(ctx context.Context, before time.Time) error {
	_, err := s.db.ExecContext(ctx, sqlPruneRateLimits, before)
	return err
}

// UnknownRegions returns those of codes that are not regions of country, in one query.
func (s *Store) UnknownRegions(ctx context.Context, country string, codes []string) ([]string, error) {
	var unknown []string
	err := s.db.SelectContext(ctx, &unknown, sqlUnknownRegions, country, pq.Array(codes))
	return unknown, err
}

// RefundRateLimit takes one event back from the current window of bucket (a login that
// succeeded is not a failed login).
func (s *Store) RefundRateLimit(ctx context.Context, bucket string, window time.Duration) error {
	_, err := s.db.ExecContext(ctx, sqlRefundRateLimit, bucket, window.Seconds())
	return err
}

// DeleteRateLimits forgets the counters of these buckets (an erased account's).
func (s *Store) DeleteRateLimits(ctx context.Context, buckets []string) error {
	_, err := s.db.ExecContext(ctx, sqlDeleteRateLimits, pq.Array(buckets))
	return err
}
