package catalogue

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/diaspora-investor/marketplace/domain"
)

// MaxRateSource bounds the source of a rate, in characters.
const MaxRateSource = 500

// RateInput is a rate to record, as written.
type RateInput struct {
	PerEUR string
	AsOf   string // YYYY-MM-DD
	Source string
}

// ExchangeRates lists the rate in use of every currency, by code.
func (s *Service) ExchangeRates(ctx context.Context) ([]domain.Rate, error) {
	return s.store.ExchangeRates(ctx)
}

// DisplayRates returns the rates in use when amounts can be shown in currency too: nil when
// currency is "", *domain.Invalid (named currency) when no rate of it is known.
func (s *Service) DisplayRates(ctx context.Context, currency string) (domain.Rates, error) {
	if currency == "" {
		return nil, nil
	}
	rates, err := s.store.Rates(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := rates[currency]; !ok {
		var v domain.Invalid
		v.Add("currency", "invalid_currency", map[string]any{"Value": domain.Truncate(currency)})
		return nil, v.Err()
	}
	return rates, nil
}

// RateCurrency checks that user may record a rate of the currency written code, and returns
// its ISO 4217 code: domain.ErrRatesAdminOnly for anyone but an administrator, then
// domain.NotFound for a code that is no currency.
func (s *Service) RateCurrency(user *domain.User, code string) (string, error) {
	if user == nil || user.Role != "admin" {
		return "", domain.ErrRatesAdminOnly
	}
	cur := domain.RateCurrency(code)
	if cur == "" {
		return "", domain.NotFound{Resource: "currency"}
	}
	return cur, nil
}

// PutRate records a currency's rate on a date, as an administrator, and returns the rate now
// in use for it. A currency of ISO 4217 that the catalogue does not list yet is added; the
// euro is the base and stays 1.
func (s *Service) PutRate(ctx context.Context, user *domain.User, code string, in RateInput) (domain.Rate, error) {
	cur, err := s.RateCurrency(user, code)
	if err != nil {
		return domain.Rate{}, err
	}
	rate, err := in.check(cur, time.Now())
	if err != nil {
		return domain.Rate{}, err
	}
	return s.rates.PutRate(ctx, rate, user.ID)
}

// check turns the input into the rate of currency cur, every broken rule listed.
func (in RateInput) check(cur string, now time.Time) (domain.Rate, error) {
	var v domain.Invalid
	rate := domain.Rate{Currency: cur, Source: strings.TrimSpace(in.Source)}
	if cur == "EUR" {
		v.Add("per_eur", "euro_rate_fixed", nil)
	} else if perEUR, err := domain.ParseRate(in.PerEUR); err != nil {
		v.Add("per_eur", "invalid_rate", nil)
	} else {
		rate.PerEUR = perEUR
	}
	asOf, err := time.Parse(time.DateOnly, in.AsOf)
	switch {
	case err != nil || asOf.Year() < 1900:
		v.Add("as_of", "invalid_date", nil)
	case asOf.After(now.UTC().Add(24 * time.Hour)):
		v.Add("as_of", "date_in_future", nil)
	}
	rate.AsOf = asOf
	switch n := utf8.RuneCountInString(rate.Source); {
	case n == 0:
		v.Add("source", "required", nil)
	case n > MaxRateSource:
		v.Add("source", "too_long", map[string]any{"Max": MaxRateSource})
	}
	return rate, v.Err()
}
