package accounts

import (
	"context"
	"slices"

	"github.com/diaspora-investor/marketplace/domain"
)

// Limits of a profile's lists.
const (
	maxProfileLanguages = 10
	maxProfileRegions   = 20
)

// Profile reads the user's investor profile; an empty one before the first save.
func (s *Service) Profile(ctx context.Context, user *domain.User) (*domain.Profile, error) {
	return s.store.Profile(ctx, user.ID)
}

// PutProfile checks and replaces the user's whole profile (and display name).
func (s *Service) PutProfile(ctx context.Context, user *domain.User, in domain.ProfileChange) error {
	var v domain.Invalid
	out := domain.ProfileRecord{DisplayName: user.DisplayName}
	if in.DisplayName != nil {
		out.DisplayName = v.DisplayName("display_name", *in.DisplayName)
	}
	if err := s.countries(ctx, &v, in, &out); err != nil {
		return err
	}
	out.Languages = v.LanguageList("languages", in.Languages, maxProfileLanguages)
	out.Sectors = v.CodeList("sectors", in.Sectors, domain.Sectors, len(domain.Sectors.Codes))
	if err := s.regions(ctx, &v, in.Regions, &out); err != nil {
		return err
	}
	if err := s.ticket(ctx, &v, in.TicketMin, in.TicketMax, &out); err != nil {
		return err
	}
	out.InvestorType = optionalCode(&v, "investor_type", in.InvestorType, domain.InvestorTypes)
	out.LegalForm = optionalCode(&v, "legal_form", in.LegalForm, domain.LegalForms)
	if err := v.Err(); err != nil {
		return err
	}
	return s.store.PutProfile(ctx, user.ID, out)
}

// countries checks the origin country (one of the catalogue's) and the country of residence
// (any country of the world: people live everywhere, not only in the alliance).
func (s *Service) countries(ctx context.Context, v *domain.Invalid, in domain.ProfileChange, out *domain.ProfileRecord) error {
	if in.OriginCountry != nil {
		code, err := domain.KnownCountry(ctx, s.store, *in.OriginCountry)
		if err != nil {
			return err
		}
		if code != "" {
			out.OriginCountry = &code
		} else {
			v.Add("origin_country", "unknown_country", map[string]any{"Value": domain.Truncate(*in.OriginCountry)})
		}
	}
	if in.ResidenceCountry != nil {
		if code, ok := domain.WorldCountry(*in.ResidenceCountry); ok {
			out.ResidenceCountry = &code
		} else {
			v.Add("residence_country", "unknown_country", map[string]any{"Value": domain.Truncate(*in.ResidenceCountry)})
		}
	}
	return nil
}

// regions checks the regions of interest: regions of the origin country, checked in one query.
func (s *Service) regions(ctx context.Context, v *domain.Invalid, regions []string, out *domain.ProfileRecord) error {
	if len(regions) > maxProfileRegions {
		v.Add("regions", "too_long", map[string]any{"Max": maxProfileRegions})
		return nil
	}
	if len(regions) == 0 {
		return nil
	}
	for _, region := range regions {
		if !slices.Contains(out.Regions, region) {
			out.Regions = append(out.Regions, region)
		}
	}
	if out.OriginCountry == nil {
		v.Add("regions", "unknown_region", map[string]any{"Value": domain.Truncate(out.Regions[0])})
		return nil
	}
	unknown, err := s.store.UnknownRegions(ctx, *out.OriginCountry, out.Regions)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		v.Add("regions", "unknown_region", map[string]any{"Value": domain.Truncate(unknown[0])})
	}
	return nil
}

// ticket checks the investment ticket range: amounts, one known currency, min ≤ max.
func (s *Service) ticket(ctx context.Context, v *domain.Invalid, min, max *domain.Money, out *domain.ProfileRecord) error {
	minAmount, minCur, okMin, err := s.money(ctx, v, "ticket_min", min)
	if err != nil {
		return err
	}
	maxAmount, maxCur, okMax, err := s.money(ctx, v, "ticket_max", max)
	if err != nil || !okMin || !okMax {
		return err
	}
	if min != nil && max != nil {
		if minCur != maxCur {
			v.Add("ticket_max", "currency_mismatch", nil)
			return nil
		}
		if domain.AmountLess(maxAmount, minAmount) {
			v.Add("ticket_min", "min_greater_than_max", nil)
			return nil
		}
	}
	if min != nil {
		out.TicketMin, out.TicketCurrency = &minAmount, &minCur
	}
	if max != nil {
		out.TicketMax, out.TicketCurrency = &maxAmount, &maxCur
	}
	return nil
}

// money checks an optional amount (domain's Invalid.Money); ok is true for a nil amount.
func (s *Service) money(ctx context.Context, v *domain.Invalid, name string, m *domain.Money) (amount, currency string, ok bool, err error) {
	if m == nil {
		return "", "", true, nil
	}
	checked, ok, err := v.Money(ctx, s.store, name, *m)
	return checked.Amount, checked.Currency, ok, err
}

// optionalCode checks an optional code of set; nil when it is nil or unknown.
func optionalCode(v *domain.Invalid, name string, value *string, set domain.CodeSet) *string {
	if value == nil || !v.Code(name, *value, set) {
		return nil
	}
	return value
}
