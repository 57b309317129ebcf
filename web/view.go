package web

import (
	"html/template"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// funcs are the template functions that need no language.
var funcs = template.FuncMap{
	"deref": derefString,
	"derefInt": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"has": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
	"lines": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	"add": func(a, b int) int { return a + b },
	// tel is a phone number's tel: link (html/template refuses the scheme by default), made only
	// of digits and +; "" when the number has other characters than digits, spaces and +-().
	"tel": func(phone string) template.URL {
		var b strings.Builder
		for _, r := range phone {
			switch {
			case r >= '0' && r <= '9', r == '+':
				b.WriteRune(r)
			case r == ' ', r == '-', r == '(', r == ')', r == '.':
			default:
				return ""
			}
		}
		if b.Len() < 3 {
			return ""
		}
		return template.URL("tel:" + b.String())
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	},
}

// Date is a date in the page's language ("3 December 2026").
func (p *page) Date(t *time.Time) string {
	if t == nil {
		return ""
	}
	d := t.UTC()
	month := p.T("web.month." + strings.ToLower(d.Month().String()))
	if p.Lang == "en" {
		return month + " " + itoa(d.Day()) + ", " + itoa(d.Year())
	}
	return itoa(d.Day()) + " " + month + " " + itoa(d.Year())
}

// ISODate is a date as YYYY-MM-DD, for <time datetime>.
func (p *page) ISODate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// Money writes an amount for people: thousands grouped, the decimal mark of the language
// (1,500,000 EUR; 1 500 000,50 EUR), as the API's explanations do but for formatMoney's two
// differences.
func (p *page) Money(m *domain.Money) string {
	if m == nil {
		return ""
	}
	return formatMoney(p.Lang, m.Amount, m.Currency)
}

// formatMoney writes an amount on the site's pages. Unlike the API's explanations, it drops an
// all-zero fraction (750,000 EUR rather than 750,000.00 EUR: zero cents tell a reader nothing)
// and puts a no-break space before the currency, so that the currency never wraps onto a line
// of its own.
func formatMoney(lang, amount, currency string) string {
	whole, frac, mark := locales.GroupDigits(lang, amount)
	if strings.Trim(frac, "0") != "" {
		whole += mark + frac
	}
	return whole + "\u00a0" + currency
}

// Converted is an amount in the reader's currency, with the date of the rate, or "".
func (p *page) Converted(m *domain.Money) string {
	rates, _ := p.Data["Rates"].(domain.Rates)
	to, _ := p.Data["Currency"].(string)
	if m == nil || rates == nil || to == "" || to == m.Currency {
		return ""
	}
	conv, ok := rates.Convert(*m, to)
	if !ok {
		return ""
	}
	return p.TD("web.money.converted", "Amount", formatMoney(p.Lang, conv.Amount, conv.Currency),
		"Date", p.Date(&conv.AsOf))
}

// CountryName names a country of the world in the page's language (CLDR).
func (p *page) CountryName(code string) string { return locales.CountryName(p.Lang, code) }

// Highlight marks the words of a text that a search matched (accents and case ignored, and
// word endings, as the search stems them), escaping everything else.
func (p *page) Highlight(text string) template.HTML {
	q, _ := p.Data["Q"].(string)
	return highlight(text, q)
}

func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return strings.ToLower(out)
}

func highlight(text, q string) template.HTML {
	var stems []string
	for _, w := range strings.FieldsFunc(fold(q), notWordRune) {
		r := []rune(w)
		if len(r) < 3 {
			continue
		}
		n := max(3, len(r)-2)
		if len(r) <= 4 {
			n = len(r)
		}
		stems = append(stems, string(r[:n]))
	}
	if len(stems) == 0 {
		return template.HTML(template.HTMLEscapeString(text))
	}
	var b strings.Builder
	word := []rune{}
	flush := func() {
		if len(word) == 0 {
			return
		}
		w := string(word)
		f := fold(w)
		hit := false
		for _, st := range stems {
			if strings.HasPrefix(f, st) {
				hit = true
				break
			}
		}
		if hit {
			b.WriteString("<mark>" + template.HTMLEscapeString(w) + "</mark>")
		} else {
			b.WriteString(template.HTMLEscapeString(w))
		}
		word = word[:0]
	}
	for _, r := range text {
		if notWordRune(r) {
			flush()
			b.WriteString(template.HTMLEscapeString(string(r)))
		} else {
			word = append(word, r)
		}
	}
	flush()
	return template.HTML(b.String())
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// Explain puts an eligibility check in words, in the page's language, with the messages the
// API uses (criterion.<code>.<outcome> of the locale files).
func (p *page) Explain(ch domain.Check) string {
	regions, _ := p.Data["RegionNames"].(map[string]string)
	id, data := locales.ExplainCheck(ch, regions, explanationWords{p})
	return p.site.texts.msg(p.Lang, id, data)
}

// explanationWords are the site's words for an explanation: the page's labels, country names,
// amounts and dates ("3 December 2026").
type explanationWords struct{ p *page }

func (w explanationWords) Label(set domain.CodeSet, code string) string {
	return w.p.site.texts.label(w.p.Lang, set, code)
}

func (w explanationWords) CountryName(code string) string { return w.p.CountryName(code) }

func (w explanationWords) Money(amount, currency string) string {
	return formatMoney(w.p.Lang, amount, currency)
}

func (w explanationWords) Date(t *time.Time) string { return w.p.Date(t) }

// Failed, Held and Open split an assessment's checks by outcome.
func (p *page) Failed(a domain.Assessment) []domain.Check { return checks(a, domain.Failed) }
func (p *page) Held(a domain.Assessment) []domain.Check   { return checks(a, domain.Held) }
func (p *page) Open(a domain.Assessment) []domain.Check   { return checks(a, domain.Undetermined) }

func checks(a domain.Assessment, o domain.Outcome) []domain.Check {
	var out []domain.Check
	for _, c := range a.Checks {
		if c.Outcome == o {
			out = append(out, c)
		}
	}
	return out
}

// Fallback says that a text is shown in another language than the page's.
func (p *page) Fallback(textLang string) bool { return textLang != "" && textLang != p.Lang }

// KindPath is the site's path segment of an assessment's kind.
func (p *page) KindPath(k domain.Kind) string { return string(k) }

// Slug is the best address of an item: its slug, else its id.
func slugOr(slug, id string) string {
	if slug != "" {
		return slug
	}
	return id
}

// ItemURL is the address of a content item in the page's language.
func (p *page) ItemURL(kind string, slug, id string) string {
	return "/" + p.Lang + "/" + kind + "/" + slugOr(slug, id)
}

// Text picks a text of a by-language map: the page's language, else the default, else any.
func (p *page) Text(m map[string]string) string {
	if s, ok := m[p.Lang]; ok {
		return s
	}
	if s, ok := m[p.site.opts.DefaultLang]; ok {
		return s
	}
	for _, code := range p.site.texts.codes {
		if s, ok := m[code]; ok {
			return s
		}
	}
	return ""
}

// FactValue writes a fact's figure with its unit ("1 500 000 persons", "12 %", a range).
func (p *page) FactValue(value string, valueMax *string, unit string) string {
	num := func(v string) string {
		s := formatMoney(p.Lang, v, "")
		return strings.TrimSuffix(s, "\u00a0")
	}
	out := num(value)
	if valueMax != nil {
		out += "–" + num(*valueMax)
	}
	switch unit {
	case "percent":
		return out + "\u00a0%"
	case "persons":
		return p.TD("web.fact.persons", "Value", out)
	}
	return out + "\u00a0" + unit
}

// Closed says whether an opportunity with this deadline is closed today.
func (p *page) Closed(deadline *time.Time) bool { return domain.Closed(deadline, time.Now()) }

// MissingField is the form field that gives a missing fact, for a link to it ("" if none).
func (p *page) MissingField(fact string) string {
	return map[string]string{"investor_type": "f-investor_type", "residence_country": "f-residence_country", "sector": "f-sector",
		"region": "f-region", "amount": "f-amount-value", "jobs": "f-jobs"}[fact]
}

// ShareValue is what an agency would see of a profile field if the reader shares it ("" when the
// profile says nothing).
func (p *page) ShareValue(field string) string {
	pr, _ := p.Data["Profile"].(*domain.Profile)
	u := p.User
	if u == nil {
		return ""
	}
	switch field {
	case "display_name":
		return u.DisplayName
	case "email":
		return u.Email
	}
	if pr == nil {
		return ""
	}
	switch field {
	case "origin_country":
		if c := derefString(pr.OriginCountry); c != "" {
			return locales.CountryName(p.Lang, c)
		}
	case "residence_country":
		if c := derefString(pr.ResidenceCountry); c != "" {
			return locales.CountryName(p.Lang, c)
		}
	case "investor_type":
		if t := derefString(pr.InvestorType); t != "" {
			return p.site.texts.label(p.Lang, domain.InvestorTypes, t)
		}
	case "legal_form":
		if f := derefString(pr.LegalForm); f != "" {
			return p.site.texts.label(p.Lang, domain.LegalForms, f)
		}
	case "sectors":
		labels := make([]string, len(pr.Sectors))
		for i, sc := range pr.Sectors {
			labels[i] = p.site.texts.label(p.Lang, domain.Sectors, sc)
		}
		return strings.Join(labels, ", ")
	case "ticket":
		switch {
		case pr.TicketMin != nil && pr.TicketMax != nil:
			return p.Money(pr.TicketMin) + " – " + p.Money(pr.TicketMax)
		case pr.TicketMin != nil:
			return p.Money(pr.TicketMin)
		case pr.TicketMax != nil:
			return p.Money(pr.TicketMax)
		}
	}
	return ""
}

// LangIn names a language in the page's language, as a reader says it ("portugais" on a French
// page), from CLDR; the code itself when CLDR has no name.
func (p *page) LangIn(code string) string {
	if name := display.Languages(language.Make(p.Lang)).Name(language.Make(code)); name != "" {
		return name
	}
	return code
}
