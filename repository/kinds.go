package repository

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// opportunityFields are the columns of an opportunity that the catalogue and the export read
// alike.
type opportunityFields struct {
	RegionCode    *string        `db:"region_code"`
	Instrument    *string        `db:"instrument"`
	MinInvestment *string        `db:"min_investment"`
	MaxInvestment *string        `db:"max_investment"`
	Currency      *string        `db:"currency"`
	Jobs          *int           `db:"jobs"`
	InvestorTypes pq.StringArray `db:"investor_types"`
	ContactName   *string        `db:"contact_name"`
	ContactEmail  *string        `db:"contact_email"`
	ContactPhone  *string        `db:"contact_phone"`
	ContactURL    *string        `db:"contact_url"`
}

type opportunityRow struct {
	contentRow
	opportunityFields
	RegionName *string        `db:"region_name"`
	Deadline   *time.Time     `db:"deadline"`
	Sectors    pq.StringArray `db:"sectors"`
}

func (r opportunityRow) opportunity() domain.Opportunity {
	o := domain.Opportunity{
		Content:       r.content(),
		Title:         r.TitleText,
		Sectors:       r.Sectors,
		Instrument:    r.Instrument,
		MinInvestment: money(r.MinInvestment, r.Currency),
		MaxInvestment: money(r.MaxInvestment, r.Currency),
		Jobs:          r.Jobs,
		Deadline:      r.Deadline,
		InvestorTypes: r.InvestorTypes,
		Contact:       domain.Contact{Name: r.ContactName, Email: r.ContactEmail, Phone: r.ContactPhone, URL: r.ContactURL},
	}
	if r.RegionCode != nil && r.RegionName != nil {
		o.Region = &domain.RegionRef{Code: *r.RegionCode, Name: *r.RegionName}
	}
	return o
}

// Opportunities lists published opportunities.
func (s *Store) Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error) {
	return listKind(ctx, s, opportunitySpec, f, opportunityRow.opportunity)
}

// listKind reads a page of one kind's published items (item turns a row into the domain value)
// and the filter's facets.
func listKind[R interface{ key() rowKey }, T any](ctx context.Context, s *Store, k kindSpec, f domain.ListFilter, item func(R) T) (*domain.Page[T], error) {
	f = s.public(f)
	// f becomes the filter answered: a search tried again with its words corrected is counted
	// as such in the facets.
	rows, next, f, err := pageRows[R](ctx, s, k, f)
	if err != nil {
		return nil, err
	}
	page := &domain.Page[T]{Next: next, Items: make([]T, len(rows))}
	for i, r := range rows {
		page.Items[i] = item(r)
	}
	page.Facets, err = s.facets(ctx, k, f)
	return page, err
}

// readKind reads one item of a kind by id or slug; anyStatus reads it whatever its status (for
// its editors).
func readKind[R interface{ key() rowKey }, T any](ctx context.Context, s *Store, k kindSpec, idOrSlug string, langs []string, anyStatus bool, item func(R) T) (*T, error) {
	row, err := detailRow[R](ctx, s, k, s.public(domain.ListFilter{Langs: langs, AnyStatus: anyStatus}), idOrSlug)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return nil, ErrNotFound
	}
	v := item(*row)
	return &v, nil
}

// Opportunity reads one published opportunity by id or slug, with its linked incentives and
// programmes.
func (s *Store) Opportunity(ctx context.Context, idOrSlug string, langs []string) (*domain.Opportunity, error) {
	return s.opportunity(ctx, idOrSlug, langs, false)
}

// opportunity reads one opportunity; anyStatus reads it whatever its status (for its editors).
func (s *Store) opportunity(ctx context.Context, idOrSlug string, langs []string, anyStatus bool) (*domain.Opportunity, error) {
	o, err := readKind(ctx, s, opportunitySpec, idOrSlug, langs, anyStatus, opportunityRow.opportunity)
	if err != nil {
		return nil, err
	}
	if o.Incentives, err = s.linked(ctx, sqlLinkedIncentives, o.ID, langs); err != nil {
		return nil, err
	}
	if o.Programmes, err = s.linked(ctx, sqlLinkedProgrammes, o.ID, langs); err != nil {
		return nil, err
	}
	return o, nil
}

// linkedItems reads the published incentives or programmes an opportunity ($1) points to,
// each named in the first of the reader's languages ($2) it is written in; examples only when
// shown ($3). Written once for both kinds (kindSpec.statement) and registered for each.
var linkedItems = `
	SELECT c.id, c.type, coalesce(tr.lang, c.source_lang) AS lang, coalesce(tr.name, '') AS name
	FROM opportunity_{table} l JOIN {table} c ON c.id = l.{kind}_id
	` + pickTranslation("{kind}_translations", "t.{kind}_id = c.id", "$2") + `
	WHERE l.opportunity_id = $1 AND c.status = 'published' AND (NOT c.illustrative OR $3)
	ORDER BY c.published_at DESC, c.id`

var (
	sqlLinkedIncentives = incentiveSpec.statement("linked", linkedItems)
	sqlLinkedProgrammes = programmeSpec.statement("linked", linkedItems)
)

// linked lists the published items that query (sqlLinkedIncentives or sqlLinkedProgrammes)
// reads for an opportunity.
func (s *Store) linked(ctx context.Context, query, opportunityID string, langs []string) ([]domain.LinkedItem, error) {
	var out []domain.LinkedItem
	err := scanInto(ctx, s.reads, &out, func(l *domain.LinkedItem) []any { return []any{&l.ID, &l.Type, &l.Lang, &l.Name} },
		query, opportunityID, pq.Array(langs), s.examples)
	if out == nil {
		out = []domain.LinkedItem{}
	}
	return out, err
}

type incentiveRow struct {
	contentRow
	eligibilityRow
	Type            string     `db:"type"`
	LegalInstrument string     `db:"legal_instrument"`
	LegalArticle    *string    `db:"legal_article"`
	LegalURL        *string    `db:"legal_url"`
	ValidFrom       *time.Time `db:"valid_from"`
	ValidUntil      *time.Time `db:"valid_until"`
}

func (r incentiveRow) incentive() domain.Incentive {
	return domain.Incentive{
		Content:         r.content(),
		Name:            r.TitleText,
		Type:            r.Type,
		LegalInstrument: r.LegalInstrument,
		LegalArticle:    r.LegalArticle,
		LegalURL:        r.LegalURL,
		ValidFrom:       r.ValidFrom,
		ValidUntil:      r.ValidUntil,
		Eligibility:     r.eligibility(),
		Benefits:        []domain.Benefit{},
	}
}

// Incentives lists published incentives with their benefits.
func (s *Store) Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error) {
	page, err := listKind(ctx, s, incentiveSpec, f, incentiveRow.incentive)
	if err != nil {
		return nil, err
	}
	if err := s.attachBenefits(ctx, page.Items); err != nil {
		return nil, err
	}
	return page, nil
}

// Incentive reads one published incentive by id or slug.
func (s *Store) Incentive(ctx context.Context, idOrSlug string, langs []string) (*domain.Incentive, error) {
	return s.incentive(ctx, idOrSlug, langs, false)
}

// incentive reads one incentive; anyStatus reads it whatever its status (for its editors).
func (s *Store) incentive(ctx context.Context, idOrSlug string, langs []string, anyStatus bool) (*domain.Incentive, error) {
	it, err := readKind(ctx, s, incentiveSpec, idOrSlug, langs, anyStatus, incentiveRow.incentive)
	if err != nil {
		return nil, err
	}
	items := []domain.Incentive{*it}
	if err := s.attachBenefits(ctx, items); err != nil {
		return nil, err
	}
	return &items[0], nil
}

// sqlIncentiveBenefits reads the benefits of the incentives $1 (ids), each incentive's in
// their order.
var sqlIncentiveBenefits = statement("incentive_benefits", `
	SELECT incentive_id, kind, tax, trim_scale(percent)::text AS percent,
		trim_scale(cap_percent_of_tax)::text AS cap_percent_of_tax, duration_years, amount::text AS amount, currency,
		trim_scale(rate)::text AS rate, min_jobs, carry_forward_years, unverified
	FROM incentive_benefits WHERE incentive_id = ANY($1::uuid[]) ORDER BY incentive_id, position`)

// incentiveBenefit is one benefit and the incentive it belongs to, as the catalogue
// (sqlIncentiveBenefits) and the export (sqlExportBenefits) read them.
type incentiveBenefit struct {
	incentiveID string
	domain.Benefit
}

// benefitColumns are the columns of sqlIncentiveBenefits and sqlExportBenefits, in the order
// they select them.
func benefitColumns(b *incentiveBenefit) []any {
	amount, currency := moneyColumns(&b.Amount)
	return []any{&b.incentiveID, &b.Kind, &b.Tax, &b.Percent, &b.CapPercentOfTax, &b.DurationYears, amount, currency,
		&b.Rate, &b.MinJobs, &b.CarryForwardYears, &b.Unverified}
}

// attachBenefits reads the benefits of a page of incentives in one query.
func (s *Store) attachBenefits(ctx context.Context, items []domain.Incentive) error {
	if len(items) == 0 {
		return nil
	}
	index := make(map[string]int, len(items))
	ids := make([]string, len(items))
	for i, it := range items {
		index[it.ID] = i
		ids[i] = it.ID
	}
	var rows []incentiveBenefit
	if err := scanInto(ctx, s.reads, &rows, benefitColumns, sqlIncentiveBenefits, pq.Array(ids)); err != nil {
		return err
	}
	for _, r := range rows {
		it := &items[index[r.incentiveID]]
		it.Benefits = append(it.Benefits, r.Benefit)
	}
	return nil
}

type programmeRow struct {
	contentRow
	eligibilityRow
	Type              string     `db:"type"`
	OperatorID        string     `db:"operator_id"`
	OperatorName      string     `db:"operator_name"`
	OperatorAcronym   *string    `db:"operator_acronym"`
	URL               *string    `db:"url"`
	MaxAmount         *string    `db:"max_amount"`
	MaxAmountCurrency *string    `db:"max_amount_currency"`
	ValidFrom         *time.Time `db:"valid_from"`
	ValidUntil        *time.Time `db:"valid_until"`
	HowToApply        string     `db:"how_to_apply"`
}

func (r programmeRow) programme() domain.Programme {
	return domain.Programme{
		Content:     r.content(),
		Name:        r.TitleText,
		Type:        r.Type,
		Operator:    domain.OrgRef{ID: r.OperatorID, Name: r.OperatorName, Acronym: r.OperatorAcronym},
		URL:         r.URL,
		MaxAmount:   money(r.MaxAmount, r.MaxAmountCurrency),
		ValidFrom:   r.ValidFrom,
		ValidUntil:  r.ValidUntil,
		Eligibility: r.eligibility(),
		HowToApply:  r.HowToApply,
	}
}

// Programmes lists published support programmes.
func (s *Store) Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error) {
	return listKind(ctx, s, programmeSpec, f, programmeRow.programme)
}

// Programme reads one published programme by id or slug.
func (s *Store) Programme(ctx context.Context, idOrSlug string, langs []string) (*domain.Programme, error) {
	return s.programme(ctx, idOrSlug, langs, false)
}

// programme reads one programme; anyStatus reads it whatever its status (for its editors).
func (s *Store) programme(ctx context.Context, idOrSlug string, langs []string, anyStatus bool) (*domain.Programme, error) {
	return readKind(ctx, s, programmeSpec, idOrSlug, langs, anyStatus, programmeRow.programme)
}
