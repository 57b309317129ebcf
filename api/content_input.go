package api

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
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

type contactInput struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
	URL   *string `json:"url"`
}

type sourceInput struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type criteriaInput struct {
	InvestorTypes   opt[[]string]   `json:"investor_types"`
	MinInvestment   opt[moneyInput] `json:"min_investment"`
	MaxInvestment   opt[moneyInput] `json:"max_investment"`
	Sectors         opt[[]string]   `json:"sectors"`
	Regions         opt[[]string]   `json:"regions"`
	MinJobs         opt[int]        `json:"min_jobs"`
	ResidenceAbroad opt[bool]       `json:"residence_abroad"`
}

type benefitInput struct {
	Kind            string      `json:"kind"`
	Tax             *string     `json:"tax"`
	Percent         *string     `json:"percent"`
	CapPercentOfTax *string     `json:"cap_percent_of_tax"`
	DurationYears   *int        `json:"duration_years"`
	Amount          *moneyInput `json:"amount"`
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
	MinInvestment   opt[moneyInput]     `json:"min_investment"`
	MaxInvestment   opt[moneyInput]     `json:"max_investment"`
	Jobs            opt[int]            `json:"jobs"`
	Deadline        opt[string]         `json:"deadline"`
	InvestorTypes   opt[[]string]       `json:"investor_types"`
	Contact         opt[contactInput]   `json:"contact"`
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
	MaxAmount       opt[moneyInput]     `json:"max_amount"`
	Source          opt[sourceInput]    `json:"source"`
}

// acceptedFields are the body fields of each kind; the first group is common to all.
var acceptedFields = map[domain.Kind][]string{
	domain.KindOpportunity: {"organization_id", "country", "lang", "title", "summary", "description", "sectors",
		"region", "instrument", "min_investment", "max_investment", "jobs", "deadline", "investor_types", "contact", "source"},
	domain.KindIncentive: {"organization_id", "country", "lang", "name", "summary", "description", "type",
		"legal_instrument", "legal_article", "legal_url", "valid_from", "valid_until", "eligibility", "benefits", "source"},
	domain.KindProgramme: {"organization_id", "country", "lang", "name", "summary", "description", "how_to_apply",
		"type", "operator_id", "url", "max_amount", "valid_from", "valid_until", "eligibility", "source"},
}

// nullableFields may be sent as null in a PATCH, to clear them.
var nullableFields = []string{"region", "instrument", "min_investment", "max_investment", "jobs", "deadline",
	"contact", "legal_article", "legal_url", "valid_from", "valid_until", "url", "max_amount", "source", "operator_id"}

// Text limits, as the database checks them.
const (
	maxTitle       = 300
	maxSummary     = 2000
	maxDescription = 20000
	maxHowToApply  = 5000
	maxShortText   = 500
)

var (
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	// webURL: an absolute http(s) address, written in lower case as the database checks it.
	webURL = domain.IsWebURL
)

// contentChecker turns a content body into a repository write, collecting field errors.
type contentChecker struct {
	s        *server
	ctx      context.Context
	kind     domain.Kind
	country  string // the item's country: regions are checked against it
	creating bool   // a new item: an absent field is simply not set
	v        invalid
	w        repository.ContentWrite
}

func (k *contentChecker) set(col string, value any) {
	if k.w.Columns == nil {
		k.w.Columns = map[string]any{}
	}
	k.w.Columns[col] = value
}

// text checks a text field: valid UTF-8 without NUL, trimmed, within its limit.
func (k *contentChecker) text(name string, o opt[string], min, max int) (string, bool) {
	if !o.has() {
		return "", false
	}
	t := strings.TrimSpace(o.Value)
	switch {
	case !utf8.ValidString(t) || strings.ContainsRune(t, 0):
		k.v.add(name, "body", "invalid_encoding", nil)
	case utf8.RuneCountInString(t) > max:
		k.v.add(name, "body", "too_long", map[string]any{"Max": max})
	case utf8.RuneCountInString(t) < min:
		k.v.add(name, "body", "required", nil)
	default:
		return t, true
	}
	return "", false
}

// optionalText writes a nullable short text column.
func (k *contentChecker) optionalText(name, col string, o opt[string], max int) {
	if o.Null {
		k.set(col, nil)
	} else if t, ok := k.text(name, o, 1, max); ok {
		k.set(col, t)
	}
}

func (k *contentChecker) code(name, col string, o opt[string], set domain.CodeSet) {
	if o.Null {
		k.set(col, nil)
		return
	}
	if !o.Set {
		return
	}
	if !set.Has(o.Value) {
		k.v.add(name, "body", "unknown_code", map[string]any{"Value": truncate(o.Value), "Allowed": strings.Join(set.Codes, ", ")})
		return
	}
	k.set(col, o.Value)
}

func (k *contentChecker) codes(name string, list []string, set domain.CodeSet) ([]string, bool) {
	out := []string{}
	for _, c := range list {
		if !set.Has(c) {
			k.v.add(name, "body", "unknown_code", map[string]any{"Value": truncate(c), "Allowed": strings.Join(set.Codes, ", ")})
			return nil, false
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, true
}

func (k *contentChecker) date(name, col string, o opt[string]) *time.Time {
	if o.Null {
		k.set(col, nil)
		return nil
	}
	if !o.Set {
		return nil
	}
	d, err := time.Parse(time.DateOnly, o.Value)
	if !datePattern.MatchString(o.Value) || err != nil {
		k.v.add(name, "body", "invalid_date", nil)
		return nil
	}
	k.set(col, o.Value)
	return &d
}

func (k *contentChecker) link(name, col string, o opt[string]) {
	if o.Null {
		k.set(col, nil)
	} else if o.Set {
		if !webURL(o.Value) {
			k.v.add(name, "body", "invalid_url", nil)
			return
		}
		k.set(col, o.Value)
	}
}

func (k *contentChecker) count(name, col string, o opt[int]) {
	if o.Null {
		k.set(col, nil)
	} else if o.Set {
		if o.Value < 0 || o.Value > 10_000_000 {
			k.v.add(name, "body", "invalid_count", nil)
			return
		}
		k.set(col, o.Value)
	}
}

// money checks one amount; ok is false after an error.
func (k *contentChecker) money(name string, m moneyInput) (amount, currency string, ok bool, err error) {
	a, errA := domain.ParseAmount(m.Amount)
	if errA != nil {
		k.v.add(name, "body", "invalid_amount", nil)
		return "", "", false, nil
	}
	cur, err := k.s.knownCurrency(k.ctx, m.Currency)
	if err != nil {
		return "", "", false, err
	}
	if cur == "" {
		k.v.add(name, "body", "invalid_currency", map[string]any{"Value": truncate(m.Currency)})
		return "", "", false, nil
	}
	return a, cur, true, nil
}

// moneyRange checks an investment range stored as two amounts and one currency column. A new
// item may give either bound alone (the other is open) or null. A PATCH that changes the range
// sends both ends together (either may be null), so the currency never changes under the one
// left unsent.
func (k *contentChecker) moneyRange(prefix string, min, max opt[moneyInput], currencyCol string) error {
	if !min.Set && !max.Set {
		return nil
	}
	if min.Set != max.Set && !k.creating {
		missing := prefix + "max_investment"
		if max.Set {
			missing = prefix + "min_investment"
		}
		k.v.add(missing, "body", "give_both", nil)
		return nil
	}
	var minA, minC, maxA, maxC string
	okMin, okMax := true, true
	var err error
	if min.has() {
		if minA, minC, okMin, err = k.money(prefix+"min_investment", min.Value); err != nil {
			return err
		}
	}
	if max.has() {
		if maxA, maxC, okMax, err = k.money(prefix+"max_investment", max.Value); err != nil {
			return err
		}
	}
	if !okMin || !okMax {
		return nil
	}
	if min.has() && max.has() {
		if minC != maxC {
			k.v.add(prefix+"max_investment", "body", "currency_mismatch", nil)
			return nil
		}
		if decimalLess(maxA, minA) {
			k.v.add(prefix+"min_investment", "body", "min_greater_than_max", nil)
			return nil
		}
	}
	currency := any(nil)
	if minC != "" {
		currency = minC
	} else if maxC != "" {
		currency = maxC
	}
	k.set("min_investment", nullable(min.has(), minA))
	k.set("max_investment", nullable(max.has(), maxA))
	k.set(currencyCol, currency)
	return nil
}

func nullable(ok bool, v string) any {
	if !ok {
		return nil
	}
	return v
}

// regions checks region codes of the item's country.
func (k *contentChecker) regions(name string, codes []string) ([]string, error) {
	out := []string{}
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > 100 {
		k.v.add(name, "body", "too_long", map[string]any{"Max": 100})
		return nil, nil
	}
	unknown, err := k.s.store.UnknownRegions(k.ctx, k.country, out)
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		k.v.add(name, "body", "unknown_region", map[string]any{"Value": truncate(unknown[0])})
		return nil, nil
	}
	return out, nil
}

func (k *contentChecker) eligibility(e criteriaInput) error {
	if e.InvestorTypes.Null {
		k.set("investor_types", []string{})
	} else if e.InvestorTypes.Set {
		if list, ok := k.codes("eligibility.investor_types", e.InvestorTypes.Value, domain.InvestorTypes); ok {
			k.set("investor_types", list)
		}
	}
	if err := k.moneyRange("eligibility.", e.MinInvestment, e.MaxInvestment, "investment_currency"); err != nil {
		return err
	}
	if e.Sectors.Set {
		list, ok := []string{}, true
		if !e.Sectors.Null {
			list, ok = k.codes("eligibility.sectors", e.Sectors.Value, domain.Sectors)
		}
		if ok {
			k.w.Sectors = &list
		}
	}
	if e.Regions.Set {
		list := []string{}
		if !e.Regions.Null {
			var err error
			if list, err = k.regions("eligibility.regions", e.Regions.Value); err != nil {
				return err
			}
		}
		if list != nil {
			k.w.Regions = &list
		}
	}
	k.count("eligibility.min_jobs", "min_jobs", e.MinJobs)
	if e.ResidenceAbroad.Null {
		k.set("residence_abroad", nil)
	} else if e.ResidenceAbroad.Set {
		k.set("residence_abroad", e.ResidenceAbroad.Value)
	}
	return nil
}

func (k *contentChecker) benefits(list []benefitInput) error {
	if len(list) > 20 {
		k.v.add("benefits", "body", "too_long", map[string]any{"Max": 20})
		return nil
	}
	out := make([]domain.Benefit, 0, len(list))
	for _, b := range list {
		if !domain.BenefitKinds.Has(b.Kind) {
			k.v.add("benefits", "body", "unknown_code", map[string]any{"Value": truncate(b.Kind), "Allowed": strings.Join(domain.BenefitKinds.Codes, ", ")})
			return nil
		}
		if b.Tax != nil && !domain.Taxes.Has(*b.Tax) {
			k.v.add("benefits", "body", "unknown_code", map[string]any{"Value": truncate(*b.Tax), "Allowed": strings.Join(domain.Taxes.Codes, ", ")})
			return nil
		}
		for _, p := range []*string{b.Percent, b.CapPercentOfTax} {
			if p != nil && !percentPattern.MatchString(*p) {
				k.v.add("benefits", "body", "invalid_percent", nil)
				return nil
			}
		}
		if b.DurationYears != nil && (*b.DurationYears < 1 || *b.DurationYears > 100) {
			k.v.add("benefits", "body", "invalid_count", nil)
			return nil
		}
		benefit := domain.Benefit{Kind: b.Kind, Tax: b.Tax, Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax, DurationYears: b.DurationYears}
		if b.Amount != nil {
			a, cur, ok, err := k.money("benefits", *b.Amount)
			if err != nil || !ok {
				return err
			}
			benefit.Amount = &domain.Money{Amount: a, Currency: cur}
		}
		out = append(out, benefit)
	}
	k.w.Benefits = &out
	return nil
}

// percentPattern: 0 to 100 with up to three decimals.
var percentPattern = regexp.MustCompile(`^(100(\.0{1,3})?|[0-9]{1,2}(\.[0-9]{1,3})?)$`)

func (opt[T]) valueType() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }
