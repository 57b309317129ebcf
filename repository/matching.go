package repository

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

type rateRow struct {
	Currency string    `db:"currency"`
	PerEUR   string    `db:"per_eur"`
	AsOf     time.Time `db:"as_of"`
	Source   string    `db:"source"`
}

func (r rateRow) rate() domain.Rate {
	return domain.Rate{Currency: r.Currency, PerEUR: r.PerEUR, AsOf: r.AsOf, Source: r.Source}
}

// ratesInUse are the rates in use, a row per currency: its latest (as eur_rate reads one).
const ratesInUse = `(SELECT DISTINCT ON (currency) currency, per_eur, as_of, source FROM exchange_rates ORDER BY currency, as_of DESC)`

var (
	// sqlLatestRates is the rate in use of every currency.
	sqlLatestRates = statement("latest_rates", `SELECT currency, trim_scale(per_eur)::text AS per_eur, as_of, source
	FROM `+ratesInUse+` r ORDER BY currency`)
	sqlAddCurrency = statement("add_currency", `INSERT INTO currencies (code) VALUES ($1) ON CONFLICT (code) DO NOTHING`)
	sqlPutRate     = statement("put_rate", `
	INSERT INTO exchange_rates (currency, as_of, per_eur, source, recorded_by) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (currency, as_of) DO UPDATE SET per_eur = excluded.per_eur, source = excluded.source,
		recorded_by = excluded.recorded_by, recorded_at = now()`)
	sqlRateInUse = statement("rate_in_use", `SELECT currency, trim_scale(per_eur)::text AS per_eur, as_of, source
	FROM exchange_rates WHERE currency = $1 ORDER BY as_of DESC LIMIT 1`)
)

// ExchangeRates lists the rate in use of every currency, by currency code.
func (s *Store) ExchangeRates(ctx context.Context) ([]domain.Rate, error) {
	var rows []rateRow
	if err := sqlx.SelectContext(ctx, s.reads, &rows, sqlLatestRates); err != nil {
		return nil, err
	}
	out := make([]domain.Rate, len(rows))
	for i, r := range rows {
		out[i] = r.rate()
	}
	return out, nil
}

// Rates are the rates in use, by currency, for conversions (one query).
func (s *Store) Rates(ctx context.Context) (domain.Rates, error) {
	list, err := s.ExchangeRates(ctx)
	if err != nil {
		return nil, err
	}
	out := make(domain.Rates, len(list))
	for _, r := range list {
		out[r.Currency] = r
	}
	return out, nil
}

// PutRate records the rate of a currency on a date (replacing the one of that date), adding
// the currency when it is new, and returns the rate now in use for it. recordedBy is the
// administrator's user id.
func (s *Store) PutRate(ctx context.Context, r domain.Rate, recordedBy string) (domain.Rate, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return domain.Rate{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, sqlAddCurrency, r.Currency); err != nil {
		return domain.Rate{}, err
	}
	if _, err := tx.ExecContext(ctx, sqlPutRate, r.Currency, r.AsOf, r.PerEUR, r.Source, recordedBy); err != nil {
		return domain.Rate{}, err
	}
	if _, err := tx.ExecContext(ctx, sqlReadModelAmounts, r.Currency); err != nil {
		return domain.Rate{}, err
	}
	var row rateRow
	if err := tx.GetContext(ctx, &row, sqlRateInUse, r.Currency); err != nil {
		return domain.Rate{}, err
	}
	return row.rate(), tx.Commit()
}

// candidateFields are where the columns of sqlEligibilityCandidates go in a candidate (its
// published_at orders the rows only).
func candidateFields(c *domain.Candidate) columns {
	var cols columns
	cols.add("kind id type lang name valid_from valid_until published_at",
		&c.Kind, &c.ID, &c.Type, &c.Lang, &c.Name, &c.ValidFrom, &c.ValidUntil, skipColumn)
	eligibilityFields(&cols, &c.Eligibility)
	return cols
}

// eligibilityCandidatesOf is one kind's part of sqlEligibilityCandidates, written once for
// incentives and programmes with {kind} and {table} (kindSpec.fill).
var eligibilityCandidatesOf = `
	SELECT '{table}' AS kind, c.id, c.type, coalesce(tr.lang, c.source_lang) AS lang,
		coalesce(tr.name, '') AS name, c.valid_from, c.valid_until, c.published_at,
		` + eligibilityColumns("{kind}") + `
	FROM {table} c
	` + eligibilityJoin("{kind}") + `
	` + pickTranslation("{kind}_translations", "t.{kind}_id = c.id", "$2") + `
	WHERE c.status = 'published' AND c.country_code = $1 AND (NOT c.illustrative OR $3)`

// sqlEligibilityCandidates reads the published incentives and programmes of a country ($1)
// with their conditions, named in the first of the reader's languages ($2) they are written
// in; examples only when shown ($3).
var sqlEligibilityCandidates = statement("eligibility_candidates",
	incentiveSpec.fill(eligibilityCandidatesOf)+`
	UNION ALL`+programmeSpec.fill(eligibilityCandidatesOf)+`
	ORDER BY kind, published_at DESC, id`)

// EligibilityCandidates reads every published incentive and programme of a country with its
// conditions, named in the reader's languages, in one query from the content tables:
// incentives first, then programmes, each newest first. Eligibility reads them so for the
// languages the read model does not resolve (see EligibilityConditions); the others come
// precomputed.
func (s *Store) EligibilityCandidates(ctx context.Context, country string, langs []string) ([]domain.Candidate, error) {
	out := []domain.Candidate{}
	if err := scanInto(ctx, s.db, &out, func(c *domain.Candidate) []any { return candidateFields(c).dest }, sqlEligibilityCandidates, country, pq.Array(langs), s.examples); err != nil {
		return nil, err
	}
	return out, nil
}

// RecommendInput is what recommendations rank by: the investor's profile.
type RecommendInput = domain.RecommendInput

// Recommendation is an opportunity with its score and what it matched.
type Recommendation = domain.Recommendation

// sqlRecommend scores the published opportunities that fit a profile: country ($1, "" for
// any), investor type ($2), sectors ($3), regions ($4), ticket range ($5 in $6 to $7 in $8),
// by the weights $9 to $12 and the freshness half-life $13; the best $14, examples only when
// shown ($15), closed ones when not hidden ($16).
var sqlRecommend = statement("recommend", `
		WITH profile AS (
			SELECT coalesce($3::text[], '{}') AS sectors, coalesce($4::text[], '{}') AS regions,
				$5::numeric / eur_rate($6) AS ticket_min, $7::numeric / eur_rate($8) AS ticket_max),
		parts AS (
			SELECT c.id, c.published_at,
				-- The WHERE keeps only opportunities of a followed sector, when the profile follows any.
				CASE WHEN cardinality(p.sectors) = 0 THEN 0.5 ELSE 1 END AS sector,
				CASE WHEN cardinality(p.regions) = 0 OR c.region_code IS NULL THEN 0.5
					WHEN c.region_code = ANY(p.regions) THEN 1 ELSE 0 END AS region,
				CASE WHEN (p.ticket_min IS NULL AND p.ticket_max IS NULL) OR (c.min_investment IS NULL AND c.max_investment IS NULL) THEN 0.5
					WHEN (p.ticket_max IS NULL OR c.min_investment IS NULL OR c.min_investment / xr.per_eur <= p.ticket_max)
						AND (p.ticket_min IS NULL OR c.max_investment IS NULL OR c.max_investment / xr.per_eur >= p.ticket_min) THEN 1
					ELSE 0 END AS ticket,
				power(0.5::float8, greatest(extract(epoch FROM now() - c.published_at), 0)::float8 / 86400 / $13::float8) AS freshness
			FROM opportunities c CROSS JOIN profile p
			LEFT JOIN `+ratesInUse+` xr ON xr.currency = c.currency
			-- $1 cast to the column's type, so that the country index serves it.
			-- Examples only when shown; closed opportunities (deadline passed) never.
			WHERE c.status = 'published' AND ($1::text = '' OR c.country_code = $1::text::char(2))
				AND (NOT c.illustrative OR $15) AND (NOT $16 OR `+openOn("c.deadline")+`)
				AND ($2 = '' OR cardinality(c.investor_types) = 0 OR c.investor_types @> ARRAY[$2])
				AND (cardinality(p.sectors) = 0 OR EXISTS (SELECT 1 FROM opportunity_sectors s
					WHERE s.opportunity_id = c.id AND s.sector_code = ANY(p.sectors))))
		SELECT id::text, ($9 * sector + $10 * region + $11 * ticket + $12 * freshness)::float8 AS score,
			array_remove(ARRAY[
				CASE WHEN sector = 1 THEN 'sector' END, CASE WHEN region = 1 THEN 'region' END,
				CASE WHEN ticket = 1 THEN 'ticket' END, CASE WHEN freshness >= 0.5 THEN 'fresh' END], NULL) AS reasons
		FROM parts ORDER BY score DESC, published_at DESC, id DESC LIMIT $14`)

type scoreRow struct {
	ID      string         `db:"id"`
	Score   float64        `db:"score"`
	Reasons pq.StringArray `db:"reasons"`
}

// Recommend ranks the published opportunities that fit a profile (see domain.RankWeights and
// the README): those of a sector the profile follows (any, when it follows none), open to its
// investor type, scored by sector, region, ticket overlap and freshness. Two queries: the
// ranking, then the page of opportunities.
func (s *Store) Recommend(ctx context.Context, in RecommendInput) ([]Recommendation, error) {
	w := domain.RankWeights
	var ticketMin, ticketMinCur, ticketMax, ticketMaxCur *string
	if in.TicketMin != nil {
		ticketMin, ticketMinCur = &in.TicketMin.Amount, &in.TicketMin.Currency
	}
	if in.TicketMax != nil {
		ticketMax, ticketMaxCur = &in.TicketMax.Amount, &in.TicketMax.Currency
	}
	var scores []scoreRow
	// A profile that follows no sector or region may come with nil lists, which reach SQL as
	// NULL: coalesce makes them empty, so that they count as "says nothing" (0.5), not as a miss.
	err := s.db.SelectContext(ctx, &scores, sqlRecommend,
		in.Country, in.InvestorType, pq.Array(in.Sectors), pq.Array(in.Regions),
		ticketMin, ticketMinCur, ticketMax, ticketMaxCur,
		w.Sector, w.Region, w.Ticket, w.Freshness, w.FreshnessHalfLifeDays, in.Limit, s.examples, s.hideClosed)
	if err != nil {
		return nil, err
	}
	if len(scores) == 0 {
		return []Recommendation{}, nil
	}
	ids := make([]string, len(scores))
	for i, r := range scores {
		ids[i] = r.ID
	}
	page, err := s.Opportunities(ctx, domain.ListFilter{IDs: ids, Langs: in.Langs, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]domain.Opportunity, len(page.Items))
	for _, o := range page.Items {
		byID[o.ID] = o
	}
	out := make([]Recommendation, 0, len(scores))
	for _, r := range scores {
		if o, ok := byID[r.ID]; ok {
			out = append(out, Recommendation{Opportunity: o, Score: r.Score, Reasons: append([]string{}, r.Reasons...)})
		}
	}
	return out, nil
}
