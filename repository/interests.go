package repository

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// Errors of expressions of interest.
var (
	// ErrIdempotencyMismatch: an Idempotency-Key used before for a different request.
	ErrIdempotencyMismatch = domain.ErrIdempotencyMismatch
)

// InterestInput is an investor's expression of interest.
type InterestInput struct {
	Message string
	Amount  *domain.Money
	Share   []string // the profile fields the agency may see
	// IdempotencyKey and RequestHash make a retried request answer the first one's result.
	IdempotencyKey string
	RequestHash    []byte
}

// SendInterest records an expression of interest in a published opportunity. A retry with
// the same key and request returns the interest it made, with replayed set; ErrConflict when
// the investor already has an open one for the opportunity.
func (s *Store) SendInterest(ctx context.Context, investorID, opportunity string, in InterestInput, langs []string) (*domain.Interest, bool, error) {
	for attempt := 0; ; attempt++ {
		id, replayed, err := s.sendInterest(ctx, investorID, opportunity, in)
		if errors.Is(err, errKeyRace) {
			if attempt == 0 {
				continue // a concurrent request may have committed the same key: answer what it made
			}
			err = ErrConflict // the open interest is another request's
		}
		if err != nil {
			return nil, false, err
		}
		it, err := s.Interest(ctx, id, langs)
		return it, replayed, err
	}
}

var errKeyRace = errors.New("idempotency key taken concurrently")

func (s *Store) sendInterest(ctx context.Context, investorID, opportunity string, in InterestInput) (string, bool, error) {
	var id string
	replayed := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if in.IdempotencyKey != "" {
			var prior struct {
				ID   string `db:"id"`
				Hash []byte `db:"request_hash"`
			}
			err := tx.GetContext(ctx, &prior, `SELECT id, request_hash FROM interests WHERE investor_id = $1 AND idempotency_key = $2`,
				investorID, in.IdempotencyKey)
			if err == nil {
				if !bytes.Equal(prior.Hash, in.RequestHash) {
					return ErrIdempotencyMismatch
				}
				id, replayed = prior.ID, true
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		where, arg := itemWhere(opportunity)
		var opp struct {
			ID    string `db:"id"`
			OrgID string `db:"organization_id"`
		}
		// A hidden example does not exist for investors (404), as in the catalogue.
		err := tx.GetContext(ctx, &opp, `SELECT c.id, c.organization_id FROM opportunities c WHERE `+where+`
			AND c.status = 'published' AND (NOT c.illustrative OR $2)`, arg, s.examples)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var amount, currency *string
		if in.Amount != nil {
			amount, currency = &in.Amount.Amount, &in.Amount.Currency
		}
		var key any
		var hash any
		if in.IdempotencyKey != "" {
			key, hash = in.IdempotencyKey, in.RequestHash
		}
		// What the investor chose to share, copied from their account and profile as they are now.
		err = tx.GetContext(ctx, &id, `
			INSERT INTO interests (opportunity_id, organization_id, investor_id, message, amount, currency, shared,
				idempotency_key, request_hash)
			SELECT $1, $2, u.id, $4, $5, $6, coalesce((SELECT jsonb_object_agg(e.key, e.value)
				FROM jsonb_each(jsonb_strip_nulls(jsonb_build_object(
					'display_name', nullif(u.display_name, ''), 'email', u.email,
					'origin_country', p.origin_country, 'residence_country', p.residence_country,
					'investor_type', p.investor_type, 'legal_form', p.legal_form,
					'sectors', CASE WHEN cardinality(p.sectors) > 0 THEN to_jsonb(p.sectors) END,
					'ticket', CASE WHEN p.ticket_currency IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
						'min', CASE WHEN p.ticket_min IS NOT NULL THEN jsonb_build_object('amount', p.ticket_min::text, 'currency', p.ticket_currency) END,
						'max', CASE WHEN p.ticket_max IS NOT NULL THEN jsonb_build_object('amount', p.ticket_max::text, 'currency', p.ticket_currency) END)) END
				))) e WHERE e.key = ANY($7::text[])), '{}'), $8, $9
			FROM users u LEFT JOIN investor_profiles p ON p.user_id = u.id WHERE u.id = $3
			RETURNING id`, opp.ID, opp.OrgID, investorID, in.Message, amount, currency, pq.Array(in.Share), key, hash)
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23505" {
			// With a key, either index may fire first when a concurrent retry committed the
			// same request: look again for the key before calling it a second open interest.
			if pqErr.Constraint == "interests_idempotency" || in.IdempotencyKey != "" {
				return errKeyRace
			}
			return ErrConflict
		}
		return err
	})
	return id, replayed, err
}

const interestSelect = `
	SELECT i.id, i.opportunity_id, coalesce(tr.lang, o.source_lang) AS opp_lang, coalesce(tr.title, '') AS opp_title,
		o.instrument AS opp_instrument, org.id AS org_id, org.name AS org_name, org.acronym AS org_acronym,
		i.status, i.message, i.amount::text AS amount, i.currency, i.shared, i.reply, i.replied_at,
		i.created_at, i.updated_at, i.investor_id
	FROM interests i JOIN opportunities o ON o.id = i.opportunity_id JOIN organizations org ON org.id = i.organization_id
	`

type interestRow struct {
	ID            string     `db:"id"`
	OppID         string     `db:"opportunity_id"`
	OppLang       string     `db:"opp_lang"`
	OppTitle      string     `db:"opp_title"`
	OppInstrument *string    `db:"opp_instrument"`
	OrgID         string     `db:"org_id"`
	OrgName       string     `db:"org_name"`
	OrgAcronym    *string    `db:"org_acronym"`
	Status        string     `db:"status"`
	Message       string     `db:"message"`
	Amount        *string    `db:"amount"`
	Currency      *string    `db:"currency"`
	Shared        []byte     `db:"shared"`
	Reply         *string    `db:"reply"`
	RepliedAt     *time.Time `db:"replied_at"`
	CreatedAt     time.Time  `db:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
	InvestorID    string     `db:"investor_id"`
}

func (r interestRow) interest() (domain.Interest, error) {
	it := domain.Interest{ID: r.ID, Opportunity: domain.LinkedItem{ID: r.OppID, Name: r.OppTitle, Lang: r.OppLang},
		Organization: domain.OrgRef{ID: r.OrgID, Name: r.OrgName, Acronym: r.OrgAcronym}, Status: r.Status,
		Message: r.Message, Amount: money(r.Amount, r.Currency), Reply: r.Reply, RepliedAt: r.RepliedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, InvestorID: r.InvestorID}
	return it, json.Unmarshal(r.Shared, &it.Shared)
}

// Interest reads one expression of interest (the caller decides who may see it).
func (s *Store) Interest(ctx context.Context, id string, langs []string) (*domain.Interest, error) {
	if !domain.IsID(id) {
		return nil, ErrNotFound
	}
	var r interestRow
	err := s.db.GetContext(ctx, &r, interestSelect+opportunityTextFor("$2")+` WHERE i.id = $1`, id, pq.Array(langs))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	it, err := r.interest()
	return &it, err
}

// opportunityTextFor picks the opportunity's title in the reader's languages; the lateral
// join names the opportunity "o", as pickTranslation expects of "c".
func opportunityTextFor(langsArg string) string {
	return `LEFT JOIN LATERAL (SELECT t.lang, t.title FROM opportunity_translations t WHERE t.opportunity_id = o.id
		ORDER BY array_position(` + langsArg + `::text[], t.lang::text), (t.lang = o.source_lang) DESC, t.lang LIMIT 1) tr ON true`
}

// InterestFilter selects an organization's inbox or an investor's own interests.
type InterestFilter struct {
	OrgID      string
	InvestorID string
	Status     string
	After      *domain.Cursor
	Limit      int
	Langs      []string
}

// Interests lists expressions of interest, newest first, one page.
func (s *Store) Interests(ctx context.Context, f InterestFilter) ([]domain.Interest, *domain.Cursor, error) {
	var q query
	langs := q.arg(pq.Array(f.Langs))
	where := []string{}
	if f.OrgID != "" {
		where = append(where, "i.organization_id = "+q.arg(f.OrgID))
	}
	if f.InvestorID != "" {
		where = append(where, "i.investor_id = "+q.arg(f.InvestorID))
	}
	if f.Status != "" {
		where = append(where, "i.status = "+q.arg(f.Status))
	}
	if f.After != nil {
		where = append(where, "(i.created_at, i.id) < ("+q.arg(f.After.PublishedAt)+", "+q.arg(f.After.ID)+"::uuid)")
	}
	if len(where) == 0 {
		return nil, nil, errors.New("an interest list needs an organization or an investor")
	}
	var rows []interestRow
	if err := s.db.SelectContext(ctx, &rows, interestSelect+opportunityTextFor(langs)+`
		WHERE `+joinWhere(where)+` ORDER BY i.created_at DESC, i.id DESC LIMIT `+q.arg(f.Limit+1), q.args...); err != nil {
		return nil, nil, err
	}
	var next *domain.Cursor
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = &domain.Cursor{PublishedAt: last.CreatedAt, ID: last.ID}
	}
	out := make([]domain.Interest, len(rows))
	for i, r := range rows {
		var err error
		if out[i], err = r.interest(); err != nil {
			return nil, nil, err
		}
	}
	return out, next, nil
}

func joinWhere(where []string) string {
	out := where[0]
	for _, w := range where[1:] {
		out += " AND " + w
	}
	return out
}

// InterestUpdate is a change of an interest's status, with the agency's reply.
type InterestUpdate struct {
	Status string
	Reply  *string
}

// UpdateInterest moves an interest along its statuses: the agency (members of its
// organization, administrators) reads, answers and closes; the investor may withdraw it.
// Anyone else gets ErrNotFound.
func (s *Store) UpdateInterest(ctx context.Context, actor domain.Actor, id string, up InterestUpdate) error {
	if !domain.IsID(id) {
		return ErrNotFound
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var cur struct {
			OrgID      string `db:"organization_id"`
			InvestorID string `db:"investor_id"`
			Status     string `db:"status"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT organization_id, investor_id, status FROM interests WHERE id = $1 FOR UPDATE`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, member := actor.Orgs[cur.OrgID]
		byAgency := actor.Admin || member
		if !byAgency && cur.InvestorID != actor.UserID {
			return ErrNotFound
		}
		if d := domain.InterestMove(cur.Status, up.Status, byAgency); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		if up.Status == domain.InterestAnswered {
			_, err = tx.ExecContext(ctx, `UPDATE interests SET status = $2, reply = $3, replied_at = now(), replied_by = $4,
				updated_at = now() WHERE id = $1`, id, up.Status, up.Reply, actor.UserID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE interests SET status = $2, updated_at = now() WHERE id = $1`, id, up.Status)
		}
		return err
	})
}
