package web

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// texts holds the interface text of every language of locales/ (the same go-i18n files as the
// API's), and chooses a visitor's language.
type texts struct {
	codes      []string
	fallback   string
	matcher    language.Matcher
	tags       map[string]language.Tag
	localizers map[string]*i18n.Localizer
	plain      map[string]map[string]string // messages without placeholders, per language
}

func loadTexts(fallback string) (*texts, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(locales.FS, "*.yaml")
	if err != nil {
		return nil, err
	}
	t := &texts{fallback: fallback, tags: map[string]language.Tag{}, localizers: map[string]*i18n.Localizer{},
		plain: map[string]map[string]string{}}
	var tags []language.Tag
	for _, f := range files {
		mf, err := bundle.LoadMessageFileFS(locales.FS, f)
		if err != nil {
			return nil, fmt.Errorf("locales/%s: %w", f, err)
		}
		code := strings.TrimSuffix(path.Base(f), ".yaml")
		t.codes = append(t.codes, code)
		t.tags[code] = mf.Tag
		tags = append(tags, mf.Tag)
		plain := map[string]string{}
		for _, m := range mf.Messages {
			if !strings.Contains(m.Other, "{{") {
				plain[m.ID] = m.Other
			}
		}
		t.plain[code] = plain
	}
	if !slices.Contains(t.codes, fallback) {
		return nil, fmt.Errorf("the default language %q has no file in locales/", fallback)
	}
	t.matcher = language.NewMatcher(tags)
	for _, code := range t.codes {
		t.localizers[code] = i18n.NewLocalizer(bundle, code, fallback)
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
		if s, ok := t.plain[lang][id]; ok {
			return s
		}
		if s, ok := t.plain[t.fallback][id]; ok {
			return s
		}
	}
	l, ok := t.localizers[lang]
	if !ok {
		l = t.localizers[t.fallback]
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
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
	id := set.Name + "." + code
	if s, ok := t.plain[lang][id]; ok {
		return s
	}
	if s, ok := t.plain[t.fallback][id]; ok {
		return s
	}
	return code
}
