package api

import (
	"errors"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

func TestNegotiate(t *testing.T) {
	l, err := LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, lang, accept, user string
		want                     []string
	}{
		{"nothing asked", "", "", "", nil},
		{"lang wins", "fr", "pt", "en", []string{"fr", "pt", "en"}},
		{"regional variants match their language", "", "pt-BR,en-GB;q=0.5", "", []string{"pt", "en"}},
		{"pt-PT matches pt", "pt-PT", "", "", []string{"pt"}},
		{"q-values order", "", "en;q=0.2, fr;q=0.9, pt;q=0.5", "", []string{"fr", "pt", "en"}},
		{"q=0 refuses", "", "fr;q=0, en", "", []string{"en"}},
		{"unsupported skipped", "de", "de-DE, fr;q=0.3", "", []string{"fr"}},
		{"unsupported everywhere", "de", "ja", "", nil},
		{"user preference last", "", "de", "pt", []string{"pt"}},
		{"malformed header ignored", "", ";;;q=abc", "fr", []string{"fr"}},
		{"creole is a language of its own (locales/kea.yaml), not portuguese", "kea", "", "", []string{"kea"}},
		{"well-formed but unknown falls back", "zz", "fr", "", []string{"fr"}},
		{"well-formed reserved subtag falls back", "true", "", "pt", []string{"pt"}},
	}
	for _, c := range cases {
		got, err := l.Negotiate(c.lang, c.accept, c.user)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	for _, bad := range []string{"!!", "e", "en_US", "toolongtobealanguagetagatalltoolong", "x y"} {
		if _, err := l.Negotiate(bad, "", ""); !errors.Is(err, errMalformedLanguage) {
			t.Errorf("lang=%q: want a malformed-language error, got %v", bad, err)
		}
	}
}

func BenchmarkNegotiate(b *testing.B) {
	l, err := LoadLanguages("en")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _ = l.Negotiate("", "pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7,fr;q=0.5", "")
	}
}

// TestMatchingMessagesExist checks that every criterion has an explanation of each outcome it
// can have, and every recommendation reason a label, in every language.
func TestMatchingMessagesExist(t *testing.T) {
	l, err := LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range l.Codes() {
		for _, code := range domain.Criteria.Codes {
			outcomes := []domain.Outcome{domain.Held, domain.Failed, domain.Undetermined}
			if code == "valid_from" || code == "valid_until" {
				outcomes = outcomes[:2] // dates are always known
			}
			for _, o := range outcomes {
				id := "criterion." + code + "." + string(o)
				if l.Message(lang, id, map[string]any{}) == id {
					t.Errorf("%s: no message %s", lang, id)
				}
			}
		}
		for _, code := range domain.RecommendationReasons.Codes {
			if _, ok := l.messages.Plain(lang, domain.RecommendationReasons.Name+"."+code); !ok {
				t.Errorf("%s: no label for recommendation reason %s", lang, code)
			}
		}
	}
}
