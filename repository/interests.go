package repository

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"

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
type InterestInput = domain.NewInterest

// InterestFilter selects an organization's inbox or an investor's own interests.
type InterestFilter = domain.InterestFilter

// InterestUpdate is a change of an interest's status, with the agency's reply.
type InterestUpdate = domain.InterestChange

var (
	sqlInterestByKey = statement("interest_by_idempotency_key", `
		SELECT id, request_hash FROM interests WHERE investor_id = $1 AND idempotency_key = $2`)

	// A hidden example does not exist for investors (404), as in the catalogue.
	sqlInterestOpportunityByID = statement("interest_opportunity_by_id", `
		SELECT c.id, c.organization_id FROM opportunities c
		WHERE c.id = $1::uuid AND c.status = 'published' AND (NOT c.illustrative OR $2)`)
	sqlInterestOpportunityBySlug = statement("interest_opportunity_by_slug", `
		SELECT c.id, c.organization_id FROM opportunities c
		WHERE c.slug = $1 AND c.status = 'published' AND (NOT c.illustrative OR $2)`)

	// What the investor chose to share ($7) is copied from their account and profile as they are now.
	sqlInterestInsert = statement("interest_insert", `
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
		RETURNING id`)

	// The opportunity's title is picked in the reader's languages ($2), else its source language.
	sqlInterest = statement("interest", interestsWithTitleIn("$2")+`
		WHERE i.id = $1`)

	// One page of an organization's inbox ($2), of one status ($3, any when ''), after the
	// cursor ($4, $5: none when null), newest first; titles in the reader's languages ($1).
	sqlInterestsOfOrganization = statement("interests_of_organization", interestsWithTitleIn("$1")+`
		WHERE i.organization_id = $2 AND `+interestsPage)

	// One page of an investor's own interests ($2), as sqlInterestsOfOrganization.
	sqlInterestsOfInvestor = statement("interests_of_investor", interestsWithTitleIn("$1")+`
		WHERE i.investor_id = $2 AND `+interestsPage)

	sqlInterestLock = statement("interest_lock", `
		SELECT organization_id, investor_id, status FROM interests WHERE id = $1 FOR UPDATE`)
	sqlInterestAnswer = statement("interest_answer", `
		UPDATE interests SET status = $2, reply = $3, replied_at = now(), replied_by = $4, updated_at = now()
		WHERE id = $1`)
	sqlInterestMove = statement("interest_move", `
		UPDATE interests SET status = $2, updated_at = now() WHERE id = $1`)
)

// interestsWithTitleIn selects interests with their opportunity and organization, the
// opportunity's title picked in the languages of parameter langs, else its source language.
func interestsWithTitleIn(langs string) string {
	return `
		SELECT i.id, i.opportunity_id, coalesce(tr.lang, o.source_lang) AS opp_lang, coalesce(tr.title, '') AS opp_title,
			o.instrument AS opp_instrument, org.id AS org_id, org.name AS org_name, org.acronym AS org_acronym,
			i.status, i.message, i.amount::text AS amount, i.currency, i.shared, i.reply, i.replied_at,
			i.created_at, i.updated_at, i.investor_id
		FROM interests i JOIN opportunities o ON o.id = i.opportunity_id JOIN organizations org ON org.id = i.organization_id
		LEFT JOIN LATERAL (SELECT t.lang, t.title FROM opportunity_translations t WHERE t.opportunity_id = o.id
			ORDER BY array_position(` + langs + `::text[], t.lang::text), (t.lang = o.source_lang) DESC, t.lang LIMIT 1) tr ON true`
}

// interestsPage is the page of a list of interests: of one status ($3, any when empty), after
// the cursor ($4, $5: none when null), newest first, $6 at most.
const interestsPage = `($3 = '' OR i.status = $3)
			AND ($4::timestamptz IS NULL OR (i.created_at, i.id) < ($4::timestamptz, $5::uuid))
		ORDER BY i.created_at DESC, i.id DESC LIMIT $6`

// SendInterest records an expression of interest in a published opportunity. A retry with
// the same key and request returns the interest it made, with replayed set;
// domain.ErrInterestOpen when the investor already has an open one for the opportunity.
func (s *Store) SendInterest(ctx context.Context, investorID, opportunity string, in InterestInput, langs []string) (*domain.Interest, bool, error) {
	for attempt := 0; ; attempt++ {
		id, replayed, err := s.sendInterest(ctx, investorID, opportunity, in)
		if errors.Is(err, errKeyRace) {
			if attempt == 0 {
				continue // a concurrent request may have committed the same key: answer what it made
			}
			err = domain.ErrInterestOpen // the open interest is another request's
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
			prior, err := priorInterest(ctx, tx, investorID, in.IdempotencyKey)
			switch {
			case err != nil:
				return err
			case prior == nil: // the key's first request
			case !bytes.Equal(prior.Hash, in.RequestHash):
				return ErrIdempotencyMismatch
			default:
				id, replayed = prior.ID, true
				return nil
			}
		}
		var err error
		id, err = s.insertInterest(ctx, tx, investorID, opportunity, in)
		return err
	})
	return id, replayed, err
}

type priorRequest struct {
	ID   string `db:"id"`
	Hash []byte `db:"request_hash"`
}

// priorInterest is the interest an investor made with an idempotency key, or nil.
func priorInterest(ctx context.Context, tx *sqlx.Tx, investorID, key string) (*priorRequest, error) {
	var prior priorRequest
	err := tx.GetContext(ctx, &prior, sqlInterestByKey, investorID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &prior, nil
}

func (s *Store) insertInterest(ctx context.Context, tx *sqlx.Tx, investorID, opportunity string, in InterestInput) (string, error) {
	var opp struct {
		ID    string `db:"id"`
		OrgID string `db:"organization_id"`
	}
	var err error
	if domain.IsID(opportunity) {
		err = tx.GetContext(ctx, &opp, sqlInterestOpportunityByID, strings.ToLower(opportunity), s.examples)
	} else {
		err = tx.GetContext(ctx, &opp, sqlInterestOpportunityBySlug, opportunity, s.examples)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	var amount, currency *string
	if in.Amount != nil {
		amount, currency = &in.Amount.Amount, &in.Amount.Currency
	}
	var key, hash any
	if in.IdempotencyKey != "" {
		key, hash = in.IdempotencyKey, in.RequestHash
	}
	var id string
	err = tx.GetContext(ctx, &id, sqlInterestInsert, opp.ID, opp.OrgID, investorID, in.Message, amount, currency,
		pq.Array(in.Share), key, hash)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		// With a key, either index may fire first when a concurrent retry committed the
		// same request: look again for the key before calling it a second open interest.
		if pqErr.Constraint == "interests_idempotency" || in.IdempotencyKey != "" {
			return "", errKeyRace
		}
		return "", domain.ErrInterestOpen
	}
	return id, err
}

// interestFields are where the columns of interestsWithTitleIn go in an interest (the
// opportunity's instrument is not read).
func interestFields(it *domain.Interest) []any {
	amount, currency := moneyColumns(&it.Amount)
	return []any{&it.ID, &it.Opportunity.ID, &it.Opportunity.Lang, &it.Opportunity.Name, skipColumn,
		&it.Organization.ID, &it.Organization.Name, &it.Organization.Acronym, &it.Status, &it.Message, amount, currency,
		jsonColumn(&it.Shared), &it.Reply, &it.RepliedAt, &it.CreatedAt, &it.UpdatedAt, &it.InvestorID}
}

// Interest reads one expression of interest (the caller decides who may see it).
func (s *Store) Interest(ctx context.Context, id string, langs []string) (*domain.Interest, error) {
	if !domain.IsID(id) {
		return nil, ErrNotFound
	}
	var found []domain.Interest
	if err := scanInto(ctx, s.db, &found, interestFields, sqlInterest, id, pq.Array(langs)); err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, ErrNotFound
	}
	return &found[0], nil
}

// Interests lists expressions of interest, newest first, one page.
func (s *Store) Interests(ctx context.Context, f InterestFilter) ([]domain.Interest, *domain.Cursor, error) {
	statement, owner := sqlInterestsOfOrganization, f.OrgID
	switch {
	case f.OrgID != "" && f.InvestorID != "":
		return nil, nil, errors.New("an interest list is an organization's or an investor's, not both")
	case f.InvestorID != "":
		statement, owner = sqlInterestsOfInvestor, f.InvestorID
	case f.OrgID == "":
		return nil, nil, errors.New("an interest list needs an organization or an investor")
	}
	var afterAt, afterID any
	if f.After != nil {
		afterAt, afterID = f.After.PublishedAt, f.After.ID
	}
	out := []domain.Interest{}
	if err := scanInto(ctx, s.db, &out, interestFields, statement, pq.Array(f.Langs), owner, f.Status, afterAt, afterID, f.Limit+1); err != nil {
		return nil, nil, err
	}
	out, next := pageOf(out, f.Limit, func(last domain.Interest) domain.Cursor {
		return domain.Cursor{PublishedAt: last.CreatedAt, ID: last.ID}
	})
	return out, next, nil
}

// UpdateInterest moves an interest along its statuses, as actorID, once decide allows the move
// on the interest's state read under its lock (decide's error is returned as is). It is
// ErrNotFound when there is no such interest.
func (s *Store) UpdateInterest(ctx context.Context, id, actorID string, change InterestUpdate, decide func(domain.InterestState) error) error {
	if !domain.IsID(id) {
		return ErrNotFound
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var cur struct {
			OrgID      string `db:"organization_id"`
			InvestorID string `db:"investor_id"`
			Status     string `db:"status"`
		}
		err := tx.GetContext(ctx, &cur, sqlInterestLock, id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := decide(domain.InterestState{OrgID: cur.OrgID, InvestorID: cur.InvestorID, Status: cur.Status}); err != nil {
			return err
		}
		if change.Status == domain.InterestAnswered {
			_, err = tx.ExecContext(ctx, sqlInterestAnswer, id, change.Status, change.Reply, actorID)
		} else {
			_, err = tx.ExecContext(ctx, sqlInterestMove, id, change.Status)
		}
		return err
	})
}
