package api

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// Languages knows the interface languages (one go-i18n file each in locales/) and chooses the
// languages of a response, in the order of DESIGN.md: the lang parameter, Accept-Language,
// the signed-in user's preference, then each resource's own source language.
type Languages struct {
	codes    []string // supported languages, e.g. ["en", "fr", "pt"]
	matcher  language.Matcher
	fallback string // interface language when nobody asked for one
	messages *locales.Messages
	// explained keeps the explanations rendered lately (view.explanation), by language,
	// message and data. Bounded: emptied when full.
	explained struct {
		sync.Mutex
		byKey map[string]string
	}
}

// LoadLanguages reads every message file of locales/. fallback is the interface language used
// when a request asks for none; it must be one of the files.
func LoadLanguages(fallback string) (*Languages, error) {
	m, err := locales.Load(fallback)
	if err != nil {
		return nil, err
	}
	return &Languages{codes: m.Codes, matcher: m.Match, fallback: fallback, messages: m}, nil
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
	if s, ok := l.messages.Label(lang, set.Name+"."+code); ok {
		return s
	}
	return code
}

// Message renders a message with placeholders in lang.
func (l *Languages) Message(lang, id string, data map[string]any) string {
	return l.messages.Render(lang, id, data)
}
