package domain

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Checks of an investor profile's lists and codes, reusable by any use case.

// CodeList checks a list of at most max codes of set, and returns it without repeats. Only the
// first unknown code is reported.
func (v *Invalid) CodeList(name string, values []string, set CodeSet, max int) []string {
	if len(values) > max {
		v.Add(name, "too_long", map[string]any{"Max": max})
		return nil
	}
	var out []string
	for _, value := range values {
		if !v.Code(name, value, set) {
			return nil
		}
		if !slices.Contains(out, value) {
			out = append(out, value)
		}
	}
	return out
}

// LanguageList checks a list of at most max languages a person reads (KnownLanguage), and
// returns their canonical tags without repeats.
func (v *Invalid) LanguageList(name string, values []string, max int) []string {
	if len(values) > max {
		v.Add(name, "too_long", map[string]any{"Max": max})
		return nil
	}
	var out []string
	for _, value := range values {
		tag, ok := KnownLanguage(value)
		if !ok {
			v.Add(name, "invalid_language", nil)
			return nil
		}
		if !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	return out
}

// KnownLanguage accepts a language a person can read: a well-formed tag of a real language
// (no private-use or reserved codes), with a real country when it names one. It returns the
// tag in its canonical form.
func KnownLanguage(s string) (string, bool) {
	if len(s) > 35 || strings.ContainsAny(s, "_ ") || strings.Contains(strings.ToLower(s), "x-") {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und {
		return "", false
	}
	base, confidence := tag.Base()
	if confidence == language.No {
		return "", false
	}
	iso3 := base.ISO3()
	if iso3 == "" || (iso3 >= "qaa" && iso3 <= "qtz") {
		return "", false
	}
	if region, c := tag.Region(); c == language.Exact && !region.IsCountry() {
		return "", false
	}
	return tag.String(), true
}

// WorldCountry accepts any ISO 3166-1 alpha-2 country of the world (people live everywhere,
// not only in the catalogue's countries), upper-cased.
func WorldCountry(s string) (string, bool) {
	region, err := language.ParseRegion(s)
	code := strings.ToUpper(s)
	return code, err == nil && region.IsCountry() && isUpperPair(code) && region.String() == code
}

// isUpperPair says whether s is two letters A to Z.
func isUpperPair(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
