package domain

import (
	"context"
	"strings"
)

// Countries says whether the catalogue has an origin country (an upper-case ISO 3166 code).
type Countries interface {
	CountryExists(ctx context.Context, code string) (bool, error)
}

// Currencies says whether amounts in a currency can be converted (a rate to the euro is known).
type Currencies interface {
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
}

// KnownCountry is the catalogue's code for code (in any case), or "" when it names no origin
// country of the catalogue.
func KnownCountry(ctx context.Context, countries Countries, code string) (string, error) {
	code = strings.ToUpper(code)
	if !IsCountryCode(code) {
		return "", nil
	}
	ok, err := countries.CountryExists(ctx, code)
	if err != nil || !ok {
		return "", err
	}
	return code, nil
}

// KnownCurrency is the ISO 4217 code for code when amounts in it can be converted, or "".
func KnownCurrency(ctx context.Context, currencies Currencies, code string) (string, error) {
	cur, err := ParseCurrency(code)
	if err != nil {
		return "", nil
	}
	ok, err := currencies.CurrencyConvertible(ctx, cur)
	if err != nil || !ok {
		return "", err
	}
	return cur, nil
}

// Money checks an amount and its currency, one that amounts can be converted from, and returns
// it normalized (two decimals, an upper-case code); ok is false once it is refused.
func (v *Invalid) Money(ctx context.Context, currencies Currencies, name string, m Money) (out Money, ok bool, err error) {
	amount, err := ParseAmount(m.Amount)
	if err != nil {
		v.Add(name, "invalid_amount", nil)
		return Money{}, false, nil
	}
	cur, err := KnownCurrency(ctx, currencies, m.Currency)
	if err != nil {
		return Money{}, false, err
	}
	if cur == "" {
		v.Add(name, "invalid_currency", map[string]any{"Value": Truncate(m.Currency)})
		return Money{}, false, nil
	}
	return Money{Amount: amount, Currency: cur}, true, nil
}
