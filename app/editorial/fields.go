package editorial

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/diaspora-investor/marketplace/domain"
)

// The checks of one field each. A field that breaks a rule is left out of the change (its
// zero Opt), and the rule is added to the checker's Invalid; null passes through, to clear.

// checkText checks a text field: valid UTF-8 without NUL, trimmed, of min to max characters.
func checkText(v *domain.Invalid, name string, o domain.Opt[string], min, max int) (string, bool) {
	if !o.Has() {
		return "", false
	}
	t := strings.TrimSpace(o.Value)
	switch {
	case !utf8.ValidString(t) || strings.ContainsRune(t, 0):
		v.Add(name, "invalid_encoding", nil)
	case utf8.RuneCountInString(t) > max:
		v.Add(name, "too_long", map[string]any{"Max": max})
	case utf8.RuneCountInString(t) < min:
		v.Add(name, "required", nil)
	default:
		return t, true
	}
	return "", false
}

// optionalText checks a short text that may be cleared.
func (k *checker) optionalText(name string, o domain.Opt[string], max int) domain.Opt[string] {
	if o.Null {
		return o
	}
	if t, ok := checkText(&k.v, name, o, 1, max); ok {
		return domain.Some(t)
	}
	return domain.Opt[string]{}
}

// code checks a code of set.
func (k *checker) code(name string, o domain.Opt[string], set domain.CodeSet) domain.Opt[string] {
	if !o.Has() || k.v.Code(name, o.Value, set) {
		return o
	}
	return domain.Opt[string]{}
}

// codes checks a list of codes of set, and drops repeats.
func (k *checker) codes(name string, list []string, set domain.CodeSet) ([]string, bool) {
	out := []string{}
	for _, c := range list {
		if !k.v.Code(name, c, set) {
			return nil, false
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, true
}

// date checks a calendar date (YYYY-MM-DD); valid has the date when one was sent and is valid.
func (k *checker) date(name string, o domain.Opt[string]) (valid, out domain.Opt[string]) {
	if !o.Has() {
		return domain.Opt[string]{}, o
	}
	if !domain.IsDate(o.Value) {
		k.v.Add(name, "invalid_date", nil)
		return domain.Opt[string]{}, domain.Opt[string]{}
	}
	return o, o
}

// link checks a web address that may be cleared.
func (k *checker) link(name string, o domain.Opt[string]) domain.Opt[string] {
	if !o.Has() || k.v.WebURL(name, o.Value) {
		return o
	}
	return domain.Opt[string]{}
}

// count checks a count of people or jobs.
func (k *checker) count(name string, o domain.Opt[int]) domain.Opt[int] {
	if o.Has() && (o.Value < 0 || o.Value > 10_000_000) {
		k.v.Add(name, "invalid_count", nil)
		return domain.Opt[int]{}
	}
	return o
}

// money checks one amount in a convertible currency; ok is false after a broken rule.
func (k *checker) money(name string, m domain.Money) (domain.Money, bool, error) {
	return k.v.Money(k.ctx, k.ref, name, m)
}

// moneyRange checks an investment range, stored as two amounts in one currency. A new item may
// give either bound alone (the other is open) or null. A change of the range sends both ends
// together (either may be null), so the currency never changes under the one left unsent.
// Both ends of the result are set, or neither.
func (k *checker) moneyRange(prefix string, min, max domain.Opt[domain.Money]) (lo, hi domain.Opt[domain.Money], err error) {
	if !min.Set && !max.Set {
		return lo, hi, nil
	}
	if min.Set != max.Set && !k.creating {
		missing := prefix + "max_investment"
		if max.Set {
			missing = prefix + "min_investment"
		}
		k.v.Add(missing, "give_both", nil)
		return lo, hi, nil
	}
	lo, hi = domain.Cleared[domain.Money](), domain.Cleared[domain.Money]()
	okMin, okMax := true, true
	if min.Has() {
		if lo.Value, okMin, err = k.money(prefix+"min_investment", min.Value); err != nil {
			return lo, hi, err
		}
		lo.Null = false
	}
	if max.Has() {
		if hi.Value, okMax, err = k.money(prefix+"max_investment", max.Value); err != nil {
			return lo, hi, err
		}
		hi.Null = false
	}
	none := domain.Opt[domain.Money]{}
	switch {
	case !okMin || !okMax:
		return none, none, nil
	case lo.Has() && hi.Has() && lo.Value.Currency != hi.Value.Currency:
		k.v.Add(prefix+"max_investment", "currency_mismatch", nil)
		return none, none, nil
	case lo.Has() && hi.Has() && domain.AmountLess(hi.Value.Amount, lo.Value.Amount):
		k.v.Add(prefix+"min_investment", "min_greater_than_max", nil)
		return none, none, nil
	}
	return lo, hi, nil
}

// regions checks region codes of the item's country, and drops repeats; nil after a broken
// rule.
func (k *checker) regions(name string, codes []string) ([]string, error) {
	out := []string{}
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > 100 {
		k.v.Add(name, "too_long", map[string]any{"Max": 100})
		return nil, nil
	}
	unknown, err := k.ref.UnknownRegions(k.ctx, k.country, out)
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		k.v.Add(name, "unknown_region", map[string]any{"Value": domain.Truncate(unknown[0])})
		return nil, nil
	}
	return out, nil
}

// fromPtr makes a field of a nested object, where nil is "clear it".
func fromPtr(p *string) domain.Opt[string] {
	if p == nil {
		return domain.Cleared[string]()
	}
	return domain.Some(*p)
}
