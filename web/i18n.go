package web

import (
	"slices"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// texts holds the interface text of every language of locales/ (the same go-i18n files as the
// API's), and chooses a visitor's language.
type texts struct {
	codes    []string
	fallback string
	matcher  language.Matcher
	tags     map[string]language.Tag
	messages *locales.Messages
}

func loadTexts(fallback string) (*texts, error) {
	m, err := locales.Load(fallback)
	if err != nil {
		return nil, err
	}
	t := &texts{codes: m.Codes, fallback: fallback, matcher: m.Match, tags: map[string]language.Tag{}, messages: m}
	for i, code := range m.Codes {
		t.tags[code] = m.Tags[i]
	}
	return t, nil
}

func (t *texts) supported(code string) bool { return slices.Contains(t.codes, code) }

// negotiate picks the visitor's language: the remembered choice, then Accept-Language, then the
// default.
func (t *texts) negotiate(cookie, acceptLanguage string) string {
	if t.supported(cookie) {
		return cookie
	}
	if acceptLanguage != "" && len(acceptLanguage) <= 1000 {
		if tags, qs, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
			for i, tag := range tags {
				if qs[i] <= 0 {
					continue
				}
				if _, index, conf := t.matcher.Match(tag); conf >= language.High {
					return t.codes[index]
				}
			}
		}
	}
	return t.fallback
}

// msg renders a message in lang; a missing one shows its id (a page never breaks on a gap).
func (t *texts) msg(lang, id string, data map[string]any) string {
	if data == nil {
		if s, ok := t.messages.Label(lang, id); ok {
			return s
		}
	}
	return t.messages.Render(lang, id, data)
}

// count renders a message with a number in the plural form of lang: the ids are id + "." +
// the CLDR form ("one", "few", "many", "other"…), so that the locale files stay flat maps, and
// the number is {{.Count}}. A form a language lacks falls back to "other".
func (t *texts) count(lang, id string, n int) string {
	form := "other"
	switch plural.Cardinal.MatchPlural(t.tags[lang], n, 0, 0, 0, 0) {
	case plural.Zero:
		form = "zero"
	case plural.One:
		form = "one"
	case plural.Two:
		form = "two"
	case plural.Few:
		form = "few"
	case plural.Many:
		form = "many"
	}
	data := map[string]any{"Count": n}
	if s := t.msg(lang, id+"."+form, data); s != id+"."+form {
		return s
	}
	return t.msg(lang, id+".other", data)
}

// label is a code's label in lang (sectors, types…), else the code.
func (t *texts) label(lang string, set domain.CodeSet, code string) string {
	if s, ok := t.messages.Label(lang, set.Name+"."+code); ok {
		return s
	}
	return code
}
