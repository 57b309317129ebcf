package repository

import (
	"context"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// opportunityFields are where an opportunity's list (detail) columns go, as selectSQL and
// readColumns select them.
func opportunityFields(r *kindRow[domain.Opportunity], detail bool) columns {
	o := &r.item
	cols := contentFields(&o.Content, &o.Title, &r.key, detail)
	region, regionName := pairColumns(&o.Region, func(code, name string) domain.RegionRef { return domain.RegionRef{Code: code, Name: name} })
	min, max, currency := rangeColumns(&o.MinInvestment, &o.MaxInvestment)
	cols.add("region_code region_name instrument min_investment max_investment currency jobs deadline investor_types sectors",
		region, regionName, &o.Instrument, min, max, currency, &o.Jobs, &o.Deadline, pq.Array(&o.InvestorTypes), pq.Array(&o.Sectors))
	if detail {
		cols.add("contact_name contact_email contact_phone contact_url", &o.Contact.Name, &o.Contact.Email, &o.Contact.Phone, &o.Contact.URL)
	}
	return cols
}

// Opportunities lists published opportunities.
func (s *Store) Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error) {
	return listKind(ctx, s, opportunitySpec, f, opportunityFields)
}

// listKind reads a page of one kind's published items (fields says where their columns go)
// and the filter's facets.
func listKind[T any](ctx context.Context, s *Store, k kindSpec, f domain.ListFilter, fields kindFields[T]) (*domain.Page[T], error) {
	f = s.public(f)
	// f becomes the filter answered: a search tried again with its words corrected is counted
	// as such in the facets.
	items, next, f, err := pageRows(ctx, s, k, f, fields)
	if err != nil {
		return nil, err
	}
	page := &domain.Page[T]{Next: next, Items: items}
	page.Facets, err = s.facets(ctx, k, f)
	return page, err
}

// readKind reads one item of a kind by id or slug; anyStatus reads it whatever its status (for
// its editors). complete, when set, adds what the kind's detail shows beside its row (found:
// the item, as a list of one).
func readKind[T any](ctx context.Context, s *Store, k kindSpec, idOrSlug string, langs []string, anyStatus bool, fields kindFields[T],
	complete func(found []T) error) (*T, error) {
	found, err := detailRow(ctx, s, k, s.public(domain.ListFilter{Langs: langs, AnyStatus: anyStatus}), idOrSlug, fields)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, ErrNotFound
	}
	if complete != nil {
		if err := complete(found); err != nil {
			return nil, err
		}
	}
	return &found[0], nil
}

// Opportunity reads one published opportunity by id or slug, with its linked incentives and
// programmes.
func (s *Store) Opportunity(ctx context.Context, idOrSlug string, langs []string) (*domain.Opportunity, error) {
	return s.opportunity(ctx, idOrSlug, langs, false)
}

// opportunity reads one opportunity; anyStatus reads it whatever its status (for its editors).
func (s *Store) opportunity(ctx context.Context, idOrSlug string, langs []string, anyStatus bool) (*domain.Opportunity, error) {
	return readKind(ctx, s, opportunitySpec, idOrSlug, langs, anyStatus, opportunityFields, func(found []domain.Opportunity) error {
		o := &found[0]
		return readLinks(ctx, s, sqlLinkedIncentives, sqlLinkedProgrammes, o.ID, langs, linkedItemFields, &o.Incentives, &o.Programmes)
	})
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

// linkedItemFields are where the columns of linkedItems go.
func linkedItemFields(l *domain.LinkedItem) []any { return []any{&l.ID, &l.Type, &l.Lang, &l.Name} }

// linkedTo lists the published items that query reads for an item ($1: its id), named in the
// reader's languages ($2); examples only when shown ($3): an opportunity's incentives or
// programmes (linkedItems), a guide's, the guides of an incentive or programme.
func linkedTo[T any](ctx context.Context, s *Store, query, id string, langs []string, fields func(*T) []any) ([]T, error) {
	out := []T{}
	if err := scanInto(ctx, s.reads, &out, fields, query, id, pq.Array(langs), s.examples); err != nil {
		return nil, err
	}
	return out, nil
}

// readLinks reads the incentives and the programmes an item links to, with the statement of
// each (as linkedTo reads them), into *incentives and *programmes.
func readLinks[T any](ctx context.Context, s *Store, incentivesQuery, programmesQuery, id string, langs []string, fields func(*T) []any,
	incentives, programmes *[]T) (err error) {
	if *incentives, err = linkedTo(ctx, s, incentivesQuery, id, langs, fields); err != nil {
		return err
	}
	*programmes, err = linkedTo(ctx, s, programmesQuery, id, langs, fields)
	return err
}

// incentiveFields are where an incentive's list (detail) columns go, as selectSQL and
// readColumns select them.
func incentiveFields(r *kindRow[domain.Incentive], detail bool) columns {
	it := &r.item
	cols := contentFields(&it.Content, &it.Name, &r.key, detail)
	cols.add("type legal_instrument legal_article legal_url valid_from valid_until",
		&it.Type, &it.LegalInstrument, &it.LegalArticle, &it.LegalURL, &it.ValidFrom, &it.ValidUntil)
	eligibilityFields(&cols, &it.Eligibility)
	return cols
}

// Incentives lists published incentives with their benefits.
func (s *Store) Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error) {
	page, err := listKind(ctx, s, incentiveSpec, f, incentiveFields)
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
	return readKind(ctx, s, incentiveSpec, idOrSlug, langs, anyStatus, incentiveFields, func(found []domain.Incentive) error {
		return s.attachBenefits(ctx, found)
	})
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

// attachBenefits reads the benefits of a page of incentives in one query (none: an empty list).
func (s *Store) attachBenefits(ctx context.Context, items []domain.Incentive) error {
	if len(items) == 0 {
		return nil
	}
	index := make(map[string]int, len(items))
	ids := make([]string, len(items))
	for i, it := range items {
		index[it.ID] = i
		ids[i] = it.ID
		items[i].Benefits = []domain.Benefit{}
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

// programmeFields are where a programme's list (detail) columns go, as selectSQL and
// readColumns select them.
func programmeFields(r *kindRow[domain.Programme], detail bool) columns {
	p := &r.item
	cols := contentFields(&p.Content, &p.Name, &r.key, detail)
	maxAmount, maxCurrency := moneyColumns(&p.MaxAmount)
	cols.add("type operator_id operator_name operator_acronym url max_amount max_amount_currency valid_from valid_until",
		&p.Type, &p.Operator.ID, &p.Operator.Name, &p.Operator.Acronym, &p.URL, maxAmount, maxCurrency, &p.ValidFrom, &p.ValidUntil)
	eligibilityFields(&cols, &p.Eligibility)
	if detail {
		cols.add("how_to_apply", &p.HowToApply)
	}
	return cols
}

// Programmes lists published support programmes.
func (s *Store) Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error) {
	return listKind(ctx, s, programmeSpec, f, programmeFields)
}

// Programme reads one published programme by id or slug.
func (s *Store) Programme(ctx context.Context, idOrSlug string, langs []string) (*domain.Programme, error) {
	return s.programme(ctx, idOrSlug, langs, false)
}

// programme reads one programme; anyStatus reads it whatever its status (for its editors).
func (s *Store) programme(ctx context.Context, idOrSlug string, langs []string, anyStatus bool) (*domain.Programme, error) {
	return readKind(ctx, s, programmeSpec, idOrSlug, langs, anyStatus, programmeFields, nil)
}
