package matching

import (
	"context"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// Plan is the situation an investor describes, as written: every field but the country is
// optional.
type Plan struct {
	Country          string
	InvestorType     *string
	ResidenceCountry *string
	Sector           *string
	Region           *string
	Amount           *domain.Money // the planned investment, as written
	Jobs             *int
}

// Eligibility is the answer to a plan: its assessments and the opportunities that fit it.
type Eligibility struct {
	Assessed
	Opportunities []domain.Opportunity
}

// Check assesses a plan against its country's incentives and programmes, and lists the
// opportunities that fit it, in the first of langs each is written in. Every invalid field of
// the plan is reported at once (*domain.Invalid). The country's conditions (whether it
// exists, its regions, its incentives and programmes, the rates) are read in one statement
// before the plan is checked against them; the opportunities are one list query.
func (s *Service) Check(ctx context.Context, plan Plan, langs []string) (Eligibility, error) {
	code := strings.ToUpper(plan.Country)
	if !domain.IsCountryCode(code) {
		code = "" // no country: the rates are still read, to check the amount's currency
	}
	cond, err := s.conditions(ctx, code, langs)
	if err != nil {
		return Eligibility{}, err
	}
	sit, err := situation(plan, cond, s.now())
	if err != nil {
		return Eligibility{}, err
	}
	assessed := cond.assess(sit)
	f := domain.ListFilter{Country: sit.Country, Sectors: sit.Sectors, InvestorType: sit.InvestorType,
		Langs: langs, Limit: MaxMatchedOpportunities, Currency: "EUR"}
	if len(sit.Regions) > 0 {
		f.Region = sit.Regions[0]
	}
	if sit.AmountLow != nil {
		f.MinAmount, f.MaxAmount, f.Currency = sit.AmountLow.Amount, sit.AmountLow.Amount, sit.AmountLow.Currency
	}
	page, err := s.catalogue.Opportunities(ctx, f)
	if err != nil {
		return Eligibility{}, err
	}
	return Eligibility{Assessed: assessed, Opportunities: page.Items}, nil
}

// situation checks a plan against its country's conditions (cond: not known, with the rates
// only, when the country is not in the catalogue) and turns it into a domain situation.
func situation(in Plan, cond conditions, today time.Time) (domain.Situation, error) {
	var v domain.Invalid
	sit := domain.Situation{Today: today}
	place(in, cond, &sit, &v)
	if in.Sector != nil && v.Code("sector", *in.Sector, domain.Sectors) {
		sit.Sectors = []string{*in.Sector}
	}
	if in.Region != nil {
		// A region of the country, in the shape of a code (app/catalogue's KnownRegion).
		if _, ok := cond.regions[*in.Region]; ok && sit.Country != "" && domain.IsCodeShape(*in.Region) {
			sit.Regions = []string{*in.Region}
		} else {
			v.Add("region", "unknown_region", map[string]any{"Value": domain.Truncate(*in.Region)})
		}
	}
	if in.Amount != nil {
		amount, err := domain.ParseAmount(in.Amount.Amount)
		if err != nil {
			v.Add("amount", "invalid_amount", nil)
		}
		// A currency the rates in use convert (app/catalogue's KnownCurrency).
		cur, err := domain.ParseCurrency(in.Amount.Currency)
		if _, known := cond.rates[cur]; err != nil || !known {
			cur = ""
			v.Add("amount", "invalid_currency", map[string]any{"Value": domain.Truncate(in.Amount.Currency)})
		}
		if amount != "" && cur != "" {
			m := &domain.Money{Amount: amount, Currency: cur}
			sit.AmountLow, sit.AmountHigh = m, m
		}
	}
	if in.Jobs != nil {
		if *in.Jobs < 0 {
			v.Add("jobs", "negative_number", nil)
		} else {
			sit.Jobs = in.Jobs
		}
	}
	return sit, v.Err()
}

// place checks who invests where: the origin country, the investor's type and residence.
func place(in Plan, cond conditions, sit *domain.Situation, v *domain.Invalid) {
	if in.Country == "" {
		v.Add("country", "required", nil)
	} else if cond.known {
		sit.Country = strings.ToUpper(in.Country)
	} else {
		v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(in.Country)})
	}
	if in.InvestorType != nil && v.Code("investor_type", *in.InvestorType, domain.InvestorTypes) {
		sit.InvestorType = *in.InvestorType
	}
	if in.ResidenceCountry != nil {
		if code, ok := domain.CountryOfTheWorld(*in.ResidenceCountry); ok {
			sit.ResidenceCountry = code
		} else {
			v.Add("residence_country", "unknown_country", map[string]any{"Value": domain.Truncate(*in.ResidenceCountry)})
		}
	}
}
