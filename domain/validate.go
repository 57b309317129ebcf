package domain

import (
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Reusable checks of input, shared by every use case: each adds what is wrong to an Invalid.

// Text checks a one-line text of min to max characters once trimmed, and returns it trimmed.
// Its characters were checked at the edge (CheckText).
func (v *Invalid) Text(name, value string, min, max int) (string, bool) {
	t := strings.TrimSpace(value)
	switch n := utf8.RuneCountInString(t); {
	case n > max:
		v.Add(name, "too_long", map[string]any{"Max": max})
	case n < min:
		v.Add(name, "required", nil)
	default:
		return t, true
	}
	return "", false
}

// Code checks that value is one of set's codes.
func (v *Invalid) Code(name, value string, set CodeSet) bool {
	if set.Has(value) {
		return true
	}
	v.Add(name, "unknown_code", map[string]any{"Value": Truncate(value), "Allowed": strings.Join(set.Codes, ", ")})
	return false
}

// WebURL checks an absolute http(s) address, as the database does (at most 2,000 characters).
func (v *Invalid) WebURL(name, value string) bool {
	if IsWebURL(value) {
		return true
	}
	v.Add(name, "invalid_url", nil)
	return false
}

// IsWebURL says whether s is an absolute http(s) address of at most 2,000 characters.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) && u.Host != "" &&
		len(s) <= 2000 && !strings.ContainsAny(s, " \t\r\n\x00")
}

var (
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	// percentPattern: 0 to 100 with up to three decimals.
	percentPattern = regexp.MustCompile(`^(100(\.0{1,3})?|[0-9]{1,2}(\.[0-9]{1,3})?)$`)
)

// IsDate says whether s is a calendar date written YYYY-MM-DD.
func IsDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && datePattern.MatchString(s)
}

// IsPercent says whether s is a percentage from 0 to 100 with up to three decimals.
func IsPercent(s string) bool { return percentPattern.MatchString(s) }

// AmountLess says whether the decimal amount a is less than b (false when either is no number).
func AmountLess(a, b string) bool {
	x, _ := new(big.Rat).SetString(a)
	y, _ := new(big.Rat).SetString(b)
	return x != nil && y != nil && x.Cmp(y) < 0
}
