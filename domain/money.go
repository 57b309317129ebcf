package domain

import (
	"errors"
	"regexp"
	"strings"
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
