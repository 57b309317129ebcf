package api

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// Languages knows the interface languages (one go-i18n file each in locales/) and chooses the
// languages of a response, in the order of DESIGN.md: the lang parameter, Accept-Language,
// the signed-in user's preference, then each resource's own source language.
type Languages struct {
	bundle   *i18n.Bundle
	codes    []string // supported languages, e.g. ["en", "fr", "pt"]
	matcher  language.Matcher
	fallback string // interface language when nobody asked for one
	// labels holds every label (messages without placeholders) per language, rendered once at
	// start-up: lists show hundreds of labels and need not run templates for them.
	labels map[string]map[string]string
	// localizers holds one go-i18n localizer per language, made once.
	localizers map[string]*i18n.Localizer
}

// LoadLanguages reads every message file of locales/. fallback is the interface language used
// when a request asks for none; it must be one of the files.
func LoadLanguages(fallback string) (*Languages, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(locales.FS, "*.yaml")
	if err != nil {
		return nil, err
	}
	l := &Languages{bundle: bundle, fallback: fallback, labels: map[string]map[string]string{}}
	var tags []language.Tag
	for _, f := range files {
		mf, err := bundle.LoadMessageFileFS(locales.FS, f)
		if err != nil {
			return nil, fmt.Errorf("locales/%s: %w", f, err)
		}
		code := strings.TrimSuffix(path.Base(f), ".yaml")
		tags = append(tags, mf.Tag)
		l.codes = append(l.codes, code)
		labels := map[string]string{}
		for _, m := range mf.Messages {
			if !strings.Contains(m.Other, "{{") {
				labels[m.ID] = m.Other
			}
		}
		l.labels[code] = labels
	}
	if !slices.Contains(l.codes, fallback) {
		return nil, fmt.Errorf("the default language %q has no file in locales/ (have %v)", fallback, l.codes)
	}
	l.matcher = language.NewMatcher(tags)
	l.localizers = make(map[string]*i18n.Localizer, len(l.codes))
	for _, code := range l.codes {
		l.localizers[code] = i18n.NewLocalizer(bundle, code, fallback)
	}
	return l, nil
}

// Codes lists the supported languages.
func (l *Languages) Codes() []string { return l.codes }

// errMalformedLanguage says that a lang parameter is not a BCP 47 tag.
var errMalformedLanguage = fmt.Errorf("malformed language tag")

// errUnknownLanguage says that a tag is well-formed (the LanguageTag pattern of openapi.yaml:
// a language subtag of 2 to 8 letters, then subtags of 1 to 8 letters and digits, joined by hyphens, at most 35 characters) but names no
// language known to golang.org/x/text ("zz", "true"): like any language without a locale, it is
// passed over in negotiation.
var errUnknownLanguage = fmt.Errorf("unknown language")

// wellFormedTag is the LanguageTag pattern of openapi.yaml.
var wellFormedTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// match returns the supported language a tag stands for ("pt-BR" → "pt"), or "".
func (l *Languages) match(tag language.Tag) string {
	_, index, confidence := l.matcher.Match(tag)
	if confidence < language.High {
		return ""
	}
	return l.codes[index]
}

// Negotiate returns the supported languages a request asks for, best first and without
// repeats: lang, then Accept-Language by quality, then the user's preference. A well-formed
// but unsupported language ("de", "kea", even "zz") is skipped; a malformed lang is an error (a malformed
// Accept-Language header is ignored, as browsers and proxies send odd ones).
func (l *Languages) Negotiate(langParam, acceptLanguage, userPreference string) ([]string, error) {
	var prefs []string
	add := func(tag language.Tag) {
		if code := l.match(tag); code != "" && !slices.Contains(prefs, code) {
			prefs = append(prefs, code)
		}
	}
	if langParam != "" {
		tag, err := parseTag(langParam)
		switch {
		case err == nil:
			add(tag)
		case !errors.Is(err, errUnknownLanguage):
			return nil, err
		}
	}
	if acceptLanguage != "" && len(acceptLanguage) <= 1000 {
		if tags, qs, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
			for i, tag := range tags {
				if qs[i] > 0 {
					add(tag)
				}
			}
		}
	}
	if userPreference != "" {
		if tag, err := parseTag(userPreference); err == nil {
			add(tag)
		}
	}
	return prefs, nil
}

func parseTag(s string) (language.Tag, error) {
	if len(s) > 35 || strings.ContainsAny(s, "_ ") {
		return language.Und, errMalformedLanguage
	}
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und {
		if wellFormedTag.MatchString(s) {
			return language.Und, errUnknownLanguage
		}
		return language.Und, errMalformedLanguage
	}
	return tag, nil
}

// Interface returns the language of labels and messages for these preferences.
func (l *Languages) Interface(prefs []string) string {
	if len(prefs) > 0 {
		return prefs[0]
	}
	return l.fallback
}

// Label returns the label of a code in lang, falling back to the default language and then to
// the code itself (a label missing from a new locale file must not break a response).
func (l *Languages) Label(lang string, set domain.CodeSet, code string) string {
	id := set.Name + "." + code
	if s, ok := l.labels[lang][id]; ok {
		return s
	}
	if s, ok := l.labels[l.fallback][id]; ok {
		return s
	}
	return code
}

// Message renders a message with placeholders in lang.
func (l *Languages) Message(lang, id string, data map[string]any) string {
	localizer, ok := l.localizers[lang]
	if !ok {
		localizer = l.localizers[l.fallback]
	}
	s, err := localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}
