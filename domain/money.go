package domain

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// Money is an amount with its ISO 4217 currency. The amount is a decimal string with two
// decimals ("1500000.00"), never a float, so that no cent is lost between PostgreSQL's numeric
// and the client.
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

var (
	amountPattern   = regexp.MustCompile(`^[0-9]{1,16}(\.[0-9]{1,2})?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// ErrInvalidAmount and ErrInvalidCurrency say what is wrong with a money input.
var (
	ErrInvalidAmount   = errors.New("invalid amount")
	ErrInvalidCurrency = errors.New("invalid currency")
)

// ParseAmount checks a non-negative decimal amount of at most 16 integer digits and two
// decimals, and returns it with exactly two decimals.
func ParseAmount(s string) (string, error) {
	if !amountPattern.MatchString(s) {
		return "", ErrInvalidAmount
	}
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	return whole + "." + (frac + "00")[:2], nil
}

// ParseCurrency checks the shape of an ISO 4217 code (upper-cased); whether the catalogue
// knows the currency is the repository's question.
func ParseCurrency(s string) (string, error) {
	s = strings.ToUpper(s)
	if !currencyPattern.MatchString(s) {
		return "", ErrInvalidCurrency
	}
	return s, nil
}

// Rate is a currency's reference rate: how many units of Currency one euro buys on AsOf.
type Rate struct {
	Currency string
	PerEUR   string // decimal
	AsOf     time.Time
	Source   string
}

// Rates are the latest rate of each currency, by code.
type Rates map[string]Rate

// perEUR is the rate of a currency as an exact fraction; nil when unknown or unreadable.
func (r Rates) perEUR(currency string) *big.Rat {
	rate, ok := r[currency]
	if !ok {
		return nil
	}
	x, ok := new(big.Rat).SetString(rate.PerEUR)
	if !ok || x.Sign() <= 0 {
		return nil
	}
	return x
}

// InEUR is m in euros, exactly; nil when the rate of its currency is unknown.
func (r Rates) InEUR(m Money) *big.Rat {
	amount, ok := new(big.Rat).SetString(m.Amount)
	per := r.perEUR(m.Currency)
	if !ok || per == nil {
		return nil
	}
	return amount.Quo(amount, per)
}

// Converted is an amount shown in another currency than its own, with the rate used (units of
// Currency for one unit of the original currency) and the date of that rate.
type Converted struct {
	Amount   string
	Currency string
	Rate     string
	AsOf     time.Time
}

// Convert shows m in currency to, through the euro: amount / per_eur(from) × per_eur(to),
// rounded to the cent (halves away from zero). AsOf is the later of the two rates' dates (a
// fixed peg such as the escudo's keeps its old date and stays true). ok is false when a rate
// is unknown.
func (r Rates) Convert(m Money, to string) (Converted, bool) {
	from, target := r.perEUR(m.Currency), r.perEUR(to)
	amount, ok := new(big.Rat).SetString(m.Amount)
	if from == nil || target == nil || !ok {
		return Converted{}, false
	}
	rate := new(big.Rat).Quo(target, from)
	asOf := r[to].AsOf
	if r[m.Currency].AsOf.After(asOf) {
		asOf = r[m.Currency].AsOf
	}
	return Converted{Amount: amount.Mul(amount, rate).FloatString(2), Currency: to,
		Rate: trimDecimal(rate.FloatString(8)), AsOf: asOf}, true
}

// trimDecimal drops trailing zeros of a decimal ("1.16000000" → "1.16", "2.00" → "2").
func trimDecimal(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ParseRate checks a rate to the euro: a positive decimal of at most 12 integer digits and 8
// decimals.
func ParseRate(s string) (string, error) {
	if !ratePattern.MatchString(s) {
		return "", ErrInvalidRate
	}
	x, _ := new(big.Rat).SetString(s)
	if x.Sign() <= 0 {
		return "", ErrInvalidRate
	}
	return trimDecimal(x.FloatString(8)), nil
}

var ratePattern = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,8})?$`)

// ErrInvalidRate says that an exchange rate is not a positive decimal.
var ErrInvalidRate = errors.New("invalid rate")

// ErrRatesAdminOnly: only administrators record exchange rates.
var ErrRatesAdminOnly = errors.New("only administrators record exchange rates")

// RateCurrency checks the currency of a rate to record: a code of ISO 4217 as written (upper
// case) other than the codes for testing and for no currency; "" when it is none.
func RateCurrency(s string) string {
	code := strings.ToUpper(s)
	unit, err := currency.ParseISO(code)
	if err != nil || unit.String() != code || code == "XXX" || code == "XTS" {
		return ""
	}
	return code
}
