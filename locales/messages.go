package locales

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// Messages are the message files of FS, loaded once for an interface (the API, the web site).
type Messages struct {
	Codes []string         // the languages, by file name ("en", "fr", "pt"…)
	Tags  []language.Tag   // the tag of each file, in the order of Codes
	Match language.Matcher // finds the closest of Tags
	// Fallback is the interface language when nobody asked for one.
	Fallback string
	// plain holds, per language, the messages without placeholders, rendered once: lists
	// show hundreds of labels and need not run templates for them.
	plain map[string]map[string]string
	// localizers holds one go-i18n localizer per language, made once.
	localizers map[string]*i18n.Localizer
}

// Load reads every message file. fallback is the interface language used when a request asks
// for none; it must be one of the files.
func Load(fallback string) (*Messages, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(FS, "*.yaml")
	if err != nil {
		return nil, err
	}
	m := &Messages{Fallback: fallback, plain: map[string]map[string]string{}, localizers: map[string]*i18n.Localizer{}}
	for _, f := range files {
		mf, err := bundle.LoadMessageFileFS(FS, f)
		if err != nil {
			return nil, fmt.Errorf("locales/%s: %w", f, err)
		}
		code := strings.TrimSuffix(path.Base(f), ".yaml")
		m.Codes = append(m.Codes, code)
		m.Tags = append(m.Tags, mf.Tag)
		plain := map[string]string{}
		for _, msg := range mf.Messages {
			if !strings.Contains(msg.Other, "{{") {
				plain[msg.ID] = msg.Other
			}
		}
		m.plain[code] = plain
	}
	if !slices.Contains(m.Codes, fallback) {
		return nil, fmt.Errorf("the default language %q has no file in locales/ (have %v)", fallback, m.Codes)
	}
	m.Match = language.NewMatcher(m.Tags)
	for _, code := range m.Codes {
		m.localizers[code] = i18n.NewLocalizer(bundle, code, fallback)
	}
	return m, nil
}

// Plain is a message without placeholders in lang; ok is false when lang lacks it.
func (m *Messages) Plain(lang, id string) (s string, ok bool) {
	s, ok = m.plain[lang][id]
	return s, ok
}

// Label is a message without placeholders in lang, else in the default language; ok is false
// when neither has it.
func (m *Messages) Label(lang, id string) (string, bool) {
	if s, ok := m.Plain(lang, id); ok {
		return s, true
	}
	return m.Plain(m.Fallback, id)
}

// Render renders a message with its placeholders (data) in lang, in the default language when
// lang has no file. A missing message shows its id: a response or a page never breaks on a gap
// in a new file.
func (m *Messages) Render(lang, id string, data map[string]any) string {
	localizer, ok := m.localizers[lang]
	if !ok {
		localizer = m.localizers[m.Fallback]
	}
	s, err := localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}
