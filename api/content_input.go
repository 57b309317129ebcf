package api

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/diaspora-investor/marketplace/domain"
)

// opt is a body field that may be absent, null or a value; a PATCH needs to tell the three
// apart (absent: unchanged; null: cleared).
type opt[T any] struct {
	Set   bool
	Null  bool
	Value T
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(bytes.TrimSpace(b)) == "null" {
		o.Null = true
		return nil
	}
	// Objects inside the body are as strict as the body: unknown fields are refused.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&o.Value)
}

// has says whether the field came with a value.
func (o opt[T]) has() bool { return o.Set && !o.Null }

// ptr is the field's value, or nil when it came without one.
func (o opt[T]) ptr() *T {
	if !o.has() {
		return nil
	}
	return &o.Value
}

func (opt[T]) valueType() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

// field is the field of a command.
func (o opt[T]) field() domain.Opt[T] { return domain.Opt[T]{Set: o.Set, Null: o.Null, Value: o.Value} }

// fieldOf is the field of a command of another type than the body's.
func fieldOf[A, B any](o opt[A], f func(A) B) domain.Opt[B] {
	out := domain.Opt[B]{Set: o.Set, Null: o.Null}
	if o.has() {
		out.Value = f(o.Value)
	}
	return out
}

type criteriaInput struct {
	InvestorTypes   opt[[]string]     `json:"investor_types"`
	MinInvestment   opt[domain.Money] `json:"min_investment"`
	MaxInvestment   opt[domain.Money] `json:"max_investment"`
	Sectors         opt[[]string]     `json:"sectors"`
	Regions         opt[[]string]     `json:"regions"`
	MinJobs         opt[int]          `json:"min_jobs"`
	ResidenceAbroad opt[bool]         `json:"residence_abroad"`
}

type benefitInput struct {
	Kind            string        `json:"kind"`
	Tax             *string       `json:"tax"`
	Percent         *string       `json:"percent"`
	CapPercentOfTax *string       `json:"cap_percent_of_tax"`
	DurationYears   *int          `json:"duration_years"`
	Amount          *domain.Money `json:"amount"`
}

// contentInput is the body of POST and PATCH for the three kinds: each kind accepts its own
// fields (acceptedFields) and refuses the others as unknown.
type contentInput struct {
	Organization    opt[string]         `json:"organization_id"`
	Country         opt[string]         `json:"country"`
	Lang            opt[string]         `json:"lang"`
	Title           opt[string]         `json:"title"`
	Name            opt[string]         `json:"name"`
	Summary         opt[string]         `json:"summary"`
	Description     opt[string]         `json:"description"`
	HowToApply      opt[string]         `json:"how_to_apply"`
	Sectors         opt[[]string]       `json:"sectors"`
	Region          opt[string]         `json:"region"`
	Instrument      opt[string]         `json:"instrument"`
	MinInvestment   opt[domain.Money]   `json:"min_investment"`
	MaxInvestment   opt[domain.Money]   `json:"max_investment"`
	Jobs            opt[int]            `json:"jobs"`
	Deadline        opt[string]         `json:"deadline"`
	InvestorTypes   opt[[]string]       `json:"investor_types"`
	Contact         opt[contactJSON]    `json:"contact"`
	Type            opt[string]         `json:"type"`
	LegalInstrument opt[string]         `json:"legal_instrument"`
	LegalArticle    opt[string]         `json:"legal_article"`
	LegalURL        opt[string]         `json:"legal_url"`
	ValidFrom       opt[string]         `json:"valid_from"`
	ValidUntil      opt[string]         `json:"valid_until"`
	Eligibility     opt[criteriaInput]  `json:"eligibility"`
	Benefits        opt[[]benefitInput] `json:"benefits"`
	Operator        opt[string]         `json:"operator_id"`
	URL             opt[string]         `json:"url"`
	MaxAmount       opt[domain.Money]   `json:"max_amount"`
	Source          opt[sourceJSON]     `json:"source"`
	AsOf            opt[string]         `json:"as_of"`
}

// acceptedFields are the body fields of each kind; the first group is common to all.
var acceptedFields = map[domain.Kind][]string{
	domain.KindOpportunity: {"organization_id", "country", "lang", "title", "summary", "description", "sectors",
		"region", "instrument", "min_investment", "max_investment", "jobs", "deadline", "investor_types", "contact", "source", "as_of"},
	domain.KindIncentive: {"organization_id", "country", "lang", "name", "summary", "description", "type",
		"legal_instrument", "legal_article", "legal_url", "valid_from", "valid_until", "eligibility", "benefits", "source", "as_of"},
	domain.KindProgramme: {"organization_id", "country", "lang", "name", "summary", "description", "how_to_apply",
		"type", "operator_id", "url", "max_amount", "valid_from", "valid_until", "eligibility", "source", "as_of"},
}

// nullableFields may be sent as null in a PATCH, to clear them.
var nullableFields = []string{"region", "instrument", "min_investment", "max_investment", "jobs", "deadline",
	"contact", "legal_article", "legal_url", "valid_from", "valid_until", "url", "max_amount", "source", "operator_id", "as_of"}

// command is the body as the editorial use cases take it, for kind (whose title is "title"
// or "name").
func (in *contentInput) command(kind domain.Kind) domain.ContentChange {
	return domain.ContentChange{
		Organization: in.Organization.field(), Country: in.Country.field(), Lang: in.Lang.field(),
		Title: in.title(kind).field(), Summary: in.Summary.field(), Description: in.Description.field(), HowToApply: in.HowToApply.field(),
		Source: fieldOf(in.Source, func(s sourceJSON) domain.SourceLink { return domain.SourceLink(s) }), AsOf: in.AsOf.field(),
		Sectors: in.Sectors.field(), Region: in.Region.field(), Instrument: in.Instrument.field(),
		MinInvestment: in.MinInvestment.field(), MaxInvestment: in.MaxInvestment.field(),
		Jobs: in.Jobs.field(), Deadline: in.Deadline.field(), InvestorTypes: in.InvestorTypes.field(),
		Contact: fieldOf(in.Contact, func(c contactJSON) domain.Contact { return domain.Contact(c) }),
		Type:    in.Type.field(), ValidFrom: in.ValidFrom.field(), ValidUntil: in.ValidUntil.field(),
		Eligibility:     fieldOf(in.Eligibility, criteriaInput.criteria),
		LegalInstrument: in.LegalInstrument.field(), LegalArticle: in.LegalArticle.field(), LegalURL: in.LegalURL.field(),
		Benefits: fieldOf(in.Benefits, func(list []benefitInput) []domain.Benefit {
			out := make([]domain.Benefit, len(list))
			for i, b := range list {
				out[i] = domain.Benefit{Kind: b.Kind, Tax: b.Tax, Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax,
					DurationYears: b.DurationYears, Amount: b.Amount}
			}
			return out
		}),
		Operator: in.Operator.field(), URL: in.URL.field(), MaxAmount: in.MaxAmount.field(),
	}
}

func (e criteriaInput) criteria() domain.CriteriaChange {
	return domain.CriteriaChange{InvestorTypes: e.InvestorTypes.field(), Sectors: e.Sectors.field(), Regions: e.Regions.field(),
		MinInvestment: e.MinInvestment.field(), MaxInvestment: e.MaxInvestment.field(),
		MinJobs: e.MinJobs.field(), ResidenceAbroad: e.ResidenceAbroad.field()}
}

// title is the kind's title field: "title" for opportunities, "name" for the others.
func (in *contentInput) title(kind domain.Kind) opt[string] {
	if kind != domain.KindOpportunity {
		return in.Name
	}
	return in.Title
}

// translation is the body of PUT …/translations/{lang} as the use case takes it.
func (in *contentInput) translation(kind domain.Kind, lang string) domain.TextChange {
	return domain.TextChange{Lang: lang, Title: in.title(kind).field(), Summary: in.Summary.field(),
		Description: in.Description.field(), HowToApply: in.HowToApply.field()}
}
