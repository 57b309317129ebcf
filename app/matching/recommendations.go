package matching

import (
	"context"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// Recommendations are the opportunities ranked for an investor's profile, and the incentives
// and programmes of their origin country that the profile is eligible for (or might be, with
// the facts it lacks). Assessed is empty when the profile names no origin country.
type Recommendations struct {
	Opportunities []domain.Recommendation
	Assessed      Assessed
}

// Recommend ranks at most limit opportunities for the profile of user userID, in the first of
// langs each is written in, and assesses their origin country's incentives and programmes.
func (s *Service) Recommend(ctx context.Context, userID string, limit int, langs []string) (Recommendations, error) {
	p, err := s.store.Profile(ctx, userID)
	if err != nil {
		return Recommendations{}, err
	}
	in, sit := profileSituation(p, s.now())
	in.Langs, in.Limit = langs, limit
	recs, err := s.store.Recommend(ctx, in)
	if err != nil {
		return Recommendations{}, err
	}
	out := Recommendations{Opportunities: recs, Assessed: Assessed{Situation: sit}}
	if sit.Country != "" {
		if out.Assessed, err = s.assess(ctx, sit, langs); err != nil {
			return Recommendations{}, err
		}
	}
	return out, nil
}

// profileSituation is what a profile says for ranking and for eligibility.
func profileSituation(p *domain.Profile, today time.Time) (domain.RecommendInput, domain.Situation) {
	in := domain.RecommendInput{Sectors: p.Sectors, TicketMin: p.TicketMin, TicketMax: p.TicketMax}
	sit := domain.Situation{Sectors: p.Sectors, AmountLow: p.TicketMin, AmountHigh: p.TicketMax, Today: today}
	if p.OriginCountry != nil {
		in.Country, sit.Country = *p.OriginCountry, *p.OriginCountry
	}
	if p.InvestorType != nil {
		in.InvestorType, sit.InvestorType = *p.InvestorType, *p.InvestorType
	}
	if p.ResidenceCountry != nil {
		sit.ResidenceCountry = *p.ResidenceCountry
	}
	for _, r := range p.Regions {
		in.Regions = append(in.Regions, r.Code)
	}
	sit.Regions = in.Regions
	return in, sit
}
