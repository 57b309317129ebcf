package editorial

import (
	"errors"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// neutral checks the language-neutral fields of the kind.
func (k *checker) neutral(in domain.ContentChange) error {
	k.source(in.Source)
	k.out.AsOf = k.asOf(in.AsOf)
	if k.kind != domain.KindOpportunity {
		if err := k.validity(in); err != nil {
			return err
		}
	}
	switch k.kind {
	case domain.KindOpportunity:
		return k.opportunity(in)
	case domain.KindIncentive:
		k.incentive(in)
		if in.Benefits.Null {
			k.out.Benefits = domain.Some([]domain.Benefit{})
		} else if in.Benefits.Set {
			return k.benefits(in.Benefits.Value)
		}
		return nil
	}
	return k.programme(in)
}

// asOf checks the date an item was last checked against its sources (null clears it): a date,
// not after today, a day ahead of UTC since somewhere it is already tomorrow. The console's form
// and the API's PATCH share it.
func (k *checker) asOf(o domain.Opt[string]) domain.Opt[string] {
	valid, out := k.date("as_of", o)
	if valid.Has() && valid.Value > time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly) {
		k.v.Add("as_of", "date_in_future", nil)
		return domain.Opt[string]{}
	}
	return out
}

// source checks the source an item is checked against; null clears it.
func (k *checker) source(o domain.Opt[domain.SourceLink]) {
	if o.Null {
		k.out.Source = o
	} else if o.Set {
		t, ok := checkText(&k.v, "source.title", domain.Some(o.Value.Title), 1, maxShortText)
		if !domain.IsWebURL(o.Value.URL) {
			k.v.Add("source.url", "invalid_url", nil)
		} else if ok {
			k.out.Source = domain.Some(domain.SourceLink{Title: t, URL: o.Value.URL})
		}
	}
}

// validity checks the type, the validity window and the eligibility of an incentive or
// programme.
func (k *checker) validity(in domain.ContentChange) error {
	types := domain.IncentiveTypes
	if k.kind == domain.KindProgramme {
		types = domain.ProgrammeTypes
	}
	k.out.Type = k.code("type", in.Type, types)
	var from, until domain.Opt[string]
	from, k.out.ValidFrom = k.date("valid_from", in.ValidFrom)
	until, k.out.ValidUntil = k.date("valid_until", in.ValidUntil)
	if from.Has() && until.Has() && until.Value < from.Value {
		k.v.Add("valid_until", "before_start", nil)
	}
	if in.Eligibility.Has() {
		return k.eligibility(in.Eligibility.Value)
	}
	return nil
}

func (k *checker) opportunity(in domain.ContentChange) error {
	if in.Sectors.Set {
		if list, ok := k.codes("sectors", in.Sectors.Value, domain.Sectors); ok {
			if len(list) == 0 {
				k.v.Add("sectors", "required", nil)
			} else {
				k.out.Sectors = domain.Some(list)
			}
		}
	}
	if in.Region.Null {
		k.out.Region = in.Region
	} else if in.Region.Set && k.country != "" {
		list, err := k.regions("region", []string{in.Region.Value})
		if err != nil {
			return err
		}
		if list != nil {
			k.out.Region = domain.Some(list[0])
		}
	}
	k.out.Instrument = k.code("instrument", in.Instrument, domain.Instruments)
	var err error
	if k.out.MinInvestment, k.out.MaxInvestment, err = k.moneyRange("", in.MinInvestment, in.MaxInvestment); err != nil {
		return err
	}
	k.out.Jobs = k.count("jobs", in.Jobs)
	_, k.out.Deadline = k.date("deadline", in.Deadline)
	if in.InvestorTypes.Set {
		if list, ok := k.codes("investor_types", in.InvestorTypes.Value, domain.InvestorTypes); ok {
			k.out.InvestorTypes = domain.Some(list)
		}
	}
	k.contact(in.Contact)
	return nil
}

// contact checks a contact; null clears it, and so does a nil part.
func (k *checker) contact(o domain.Opt[domain.Contact]) {
	if !o.Has() {
		k.out.Contact = o
		return
	}
	ct, out := o.Value, domain.Contact{}
	ok := true
	keep := func(o domain.Opt[string]) *string {
		if o.Null {
			return nil
		}
		ok = ok && o.Has()
		return &o.Value
	}
	out.Name = keep(k.optionalText("contact.name", fromPtr(ct.Name), maxContactName))
	out.Phone = keep(k.optionalText("contact.phone", fromPtr(ct.Phone), maxPhone))
	if ct.Email != nil {
		if email := domain.NormalizeEmail(*ct.Email); email == "" {
			k.v.Add("contact.email", "invalid_email", nil)
			ok = false
		} else {
			out.Email = &email
		}
	}
	out.URL = keep(k.link("contact.url", fromPtr(ct.URL)))
	if ok {
		k.out.Contact = domain.Some(out)
	}
}

func (k *checker) incentive(in domain.ContentChange) {
	if in.LegalInstrument.Set {
		if t, ok := checkText(&k.v, "legal_instrument", in.LegalInstrument, 1, maxShortText); ok {
			k.out.LegalInstrument = domain.Some(t)
		}
	}
	k.out.LegalArticle = k.optionalText("legal_article", in.LegalArticle, maxShortText)
	k.out.LegalURL = k.link("legal_url", in.LegalURL)
}

func (k *checker) programme(in domain.ContentChange) error {
	if in.Operator.Set {
		org, err := k.ref.Organization(k.ctx, in.Operator.Value)
		if errors.Is(err, domain.ErrNotFound) || (err == nil && !org.Verified) {
			k.v.Add("operator_id", "unknown_organization", nil)
		} else if err != nil {
			return err
		} else {
			k.out.Operator = domain.Some(org.ID)
		}
	}
	k.out.URL = k.link("url", in.URL)
	if in.MaxAmount.Null {
		k.out.MaxAmount = in.MaxAmount
	} else if in.MaxAmount.Set {
		m, ok, err := k.money("max_amount", in.MaxAmount.Value)
		if err != nil {
			return err
		}
		if ok {
			k.out.MaxAmount = domain.Some(m)
		}
	}
	return nil
}

func (k *checker) eligibility(e domain.CriteriaChange) error {
	var out domain.CriteriaChange
	if e.InvestorTypes.Null {
		out.InvestorTypes = domain.Some([]string{})
	} else if e.InvestorTypes.Set {
		if list, ok := k.codes("eligibility.investor_types", e.InvestorTypes.Value, domain.InvestorTypes); ok {
			out.InvestorTypes = domain.Some(list)
		}
	}
	var err error
	if out.MinInvestment, out.MaxInvestment, err = k.moneyRange("eligibility.", e.MinInvestment, e.MaxInvestment); err != nil {
		return err
	}
	if e.Sectors.Set {
		list, ok := []string{}, true
		if !e.Sectors.Null {
			list, ok = k.codes("eligibility.sectors", e.Sectors.Value, domain.Sectors)
		}
		if ok {
			out.Sectors = domain.Some(list)
		}
	}
	if e.Regions.Set {
		list := []string{}
		if !e.Regions.Null {
			if list, err = k.regions("eligibility.regions", e.Regions.Value); err != nil {
				return err
			}
		}
		if list != nil {
			out.Regions = domain.Some(list)
		}
	}
	out.MinJobs = k.count("eligibility.min_jobs", e.MinJobs)
	out.ResidenceAbroad = e.ResidenceAbroad
	k.out.Eligibility = domain.Some(out)
	return nil
}

func (k *checker) benefits(list []domain.Benefit) error {
	if len(list) > 20 {
		k.v.Add("benefits", "too_long", map[string]any{"Max": 20})
		return nil
	}
	out := make([]domain.Benefit, 0, len(list))
	for _, b := range list {
		if !k.v.Code("benefits", b.Kind, domain.BenefitKinds) || (b.Tax != nil && !k.v.Code("benefits", *b.Tax, domain.Taxes)) {
			return nil
		}
		for _, p := range []*string{b.Percent, b.CapPercentOfTax} {
			if p != nil && !domain.IsPercent(*p) {
				k.v.Add("benefits", "invalid_percent", nil)
				return nil
			}
		}
		if b.DurationYears != nil && (*b.DurationYears < 1 || *b.DurationYears > 100) {
			k.v.Add("benefits", "invalid_count", nil)
			return nil
		}
		benefit := domain.Benefit{Kind: b.Kind, Tax: b.Tax, Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax, DurationYears: b.DurationYears}
		if b.Amount != nil {
			m, ok, err := k.money("benefits", *b.Amount)
			if err != nil || !ok {
				return err
			}
			benefit.Amount = &m
		}
		out = append(out, benefit)
	}
	k.out.Benefits = domain.Some(out)
	return nil
}
