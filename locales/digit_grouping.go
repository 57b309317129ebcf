package locales

import "strings"

// GroupDigits splits a decimal amount ("-1500000.50") for people in lang: the whole part with
// its thousands grouped and a minus sign kept in front ("-1,500,000" in English; "-1 500 000"
// with no-break spaces in the other languages), the fraction as given ("50", or "") and the
// language's decimal mark ("." in English, "," otherwise). The fraction and the mark come back
// apart because the API and the site write them differently.
func GroupDigits(lang, amount string) (whole, frac, mark string) {
	whole, frac, _ = strings.Cut(amount, ".")
	group := ","
	mark = "."
	if lang != "en" {
		group, mark = "\u00a0", ","
	}
	var b strings.Builder
	if strings.HasPrefix(whole, "-") {
		b.WriteByte('-')
		whole = whole[1:]
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	return b.String(), frac, mark
}
