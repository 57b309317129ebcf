package seed

import (
	"fmt"
	"slices"
)

// Guide is "the steps to invest" (a `guides:` entry of a country file): a localized, sourced
// procedure, its ordered steps, and the incentives and programmes it explains.
type Guide struct {
	Item `yaml:",inline"`
	// Incentives and Programmes are the slugs of the items of this file that the guide
	// explains: their details link to it.
	Incentives []string             `yaml:"incentives,omitempty"`
	Programmes []string             `yaml:"programmes,omitempty"`
	Text       map[string]GuideText `yaml:"text,omitempty"`
	Steps      []GuideStep          `yaml:"steps,omitempty"`
}

// GuideText is one language's text of a guide.
type GuideText struct {
	Title    string `yaml:"title,omitempty"`
	Summary  string `yaml:"summary,omitempty"`
	Audience string `yaml:"audience,omitempty"` // who it is for
	Caveats  string `yaml:"caveats,omitempty"`  // conflicts between sources, outdated rules
	// MachineMade: not written or reviewed by a fluent speaker (shown to readers).
	MachineMade bool `yaml:"machine_made,omitempty"`
}

// GuideStep is one step: its sources and its text per language.
type GuideStep struct {
	Sources []Source                 `yaml:"sources,omitempty"`
	Text    map[string]GuideStepText `yaml:"text,omitempty"`
}

// GuideStepText is one language's text of a step. Office, documents, cost and duration are
// left out where no source gives them.
type GuideStepText struct {
	Title     string  `yaml:"title,omitempty"`
	Body      string  `yaml:"body,omitempty"`
	Office    *string `yaml:"office,omitempty"`
	Documents *string `yaml:"documents,omitempty"`
	Cost      *string `yaml:"cost,omitempty"`
	Duration  *string `yaml:"duration,omitempty"`
}

// checkGuides applies Check's rules to a file's guides: sources and as_of, examples only under
// the example organization, a text in the source language, every step sourced and written in
// the guide's source language, and links only to items of the same file.
func checkGuides(f CountryFile, examples map[string]bool, incentives map[string]Incentive, programmes map[string]Programme, fail func(string, ...any)) {
	for _, g := range f.Guides {
		name := fmt.Sprintf("%s: guide %s", f.Name, g.Slug)
		checkProvenance(name, g.AllSources(), g.AsOf, fail)
		if g.Illustrative != examples[g.Organization] {
			fail("%s: illustrative only under the example organization, and only then", name)
		}
		lang := g.SourceLang
		if lang == "" {
			lang = f.Country.SourceLang
		}
		if t, ok := g.Text[lang]; !ok || t.Title == "" {
			fail("%s: no title in its source language %s", name, lang)
		}
		if len(g.Steps) == 0 {
			fail("%s: no steps", name)
		}
		for i, st := range g.Steps {
			if len(st.Sources) == 0 {
				fail("%s: step %d has no source", name, i+1)
			}
			for _, s := range st.Sources {
				if s.Title == "" || s.URL == "" {
					fail("%s: step %d: a source needs a title and a URL", name, i+1)
				}
			}
			if t, ok := st.Text[lang]; !ok || t.Title == "" {
				fail("%s: step %d has no title in the source language %s", name, i+1, lang)
			}
			for l := range st.Text {
				if _, ok := g.Text[l]; !ok {
					fail("%s: step %d is written in %s, which the guide is not", name, i+1, l)
				}
			}
		}
		for _, slug := range g.Incentives {
			if _, ok := incentives[slug]; !ok {
				fail("%s: links incentive %s, which is not in this file", name, slug)
			}
		}
		for _, slug := range g.Programmes {
			if _, ok := programmes[slug]; !ok {
				fail("%s: links programme %s, which is not in this file", name, slug)
			}
		}
		if slices.Contains(g.Incentives, "") || slices.Contains(g.Programmes, "") {
			fail("%s: an empty link", name)
		}
	}
}
