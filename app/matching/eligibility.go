package matching

import (
	"context"

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
	Amount           *Amount
	Jobs             *int
}

// Amount is a planned investment, as written.
type Amount struct {
	Amount   string
	Currency string
}

// Eligibility is the answer to a plan: its assessments and the opportunities that fit it.
type Eligibility struct {
	Assessed
	Opportunities []domain.Opportunity
}

// Check assesses a plan against its country's incentives and programmes, and lists the
// opportunities that fit it, in the first of langs each is written in. Every invalid field of
// the plan is reported at once (*domain.Invalid).
func (s *Service) Check(ctx context.Context, plan Plan, langs []string) (Eligibility, error) {
	sit, err := s.situation(ctx, plan)
	if err != nil {
		return Eligibility{}, err
	}
	assessed, err := s.assess(ctx, sit, langs)
	if err != nil {
		return Eligibility{}, err
	}
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

// situation checks a plan and turns it into a domain situation.
func (s *Service) situation(ctx context.Context, in Plan) (domain.Situation, error) {
	var v domain.Invalid
	sit := domain.Situation{Today: s.now()}
	if err := s.place(ctx, in, &sit, &v); err != nil {
		return sit, err
	}
	if in.Sector != nil && v.Code("sector", *in.Sector, domain.Sectors) {
		sit.Sectors = []string{*in.Sector}
	}
	if err := s.region(ctx, in, &sit, &v); err != nil {
		return sit, err
	}
	if in.Amount != nil {
		amount, err := domain.ParseAmount(in.Amount.Amount)
		if err != nil {
			v.Add("amount", "invalid_amount", nil)
		}
		cur, err := s.catalogue.KnownCurrency(ctx, in.Amount.Currency)
		if err != nil {
			return sit, err
		}
		if cur == "" {
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
func (s *Service) place(ctx context.Context, in Plan, sit *domain.Situation, v *domain.Invalid) error {
	if in.Country == "" {
		v.Add("country", "required", nil)
	} else {
		code, err := s.catalogue.KnownCountry(ctx, in.Country)
		if err != nil {
			return err
		}
		if code == "" {
			v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(in.Country)})
		}
		sit.Country = code
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
	return nil
}

// region checks the region of the plan, which must be one of its country's.
func (s *Service) region(ctx context.Context, in Plan, sit *domain.Situation, v *domain.Invalid) error {
	if in.Region == nil {
		return nil
	}
	ok := false
	if sit.Country != "" {
		var err error
		if ok, err = s.catalogue.KnownRegion(ctx, sit.Country, *in.Region); err != nil {
			return err
		}
	}
	if ok {
		sit.Regions = []string{*in.Region}
	} else {
		v.Add("region", "unknown_region", map[string]any{"Value": domain.Truncate(*in.Region)})
	}
	return nil
}
