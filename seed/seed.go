// Package seed reads the catalogue's seed content: the YAML files of this folder (README.md
// describes their format). Loading them into the database is the repository's job.
package seed

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// FS is the seed folder, for fingerprinting test databases.
var FS fs.FS = files

// Reference is reference.yaml: currencies, exchange rates and the organizations of no
// country (the example organization that illustrative items belong to).
type Reference struct {
	Organizations []Organization `yaml:"organizations"`
	Currencies    []struct {
		Code       string `yaml:"code"`
		MinorUnits int    `yaml:"minor_units"`
	} `yaml:"currencies"`
	ExchangeRates []struct {
		Currency string `yaml:"currency"`
		PerEUR   string `yaml:"per_eur"`
		AsOf     string `yaml:"as_of"`
		Source   string `yaml:"source"`
	} `yaml:"exchange_rates"`
}

// Money is an amount and its currency.
type Money struct {
	Amount   string `yaml:"amount"`
	Currency string `yaml:"currency"`
}

// Source is where a fact comes from: the document, who published it and when (as precise as
// the source says: "2025", "2025-12" or "2025-12-11"), and which fields of the item it
// supports (field names such as deadline, min_investment, text).
type Source struct {
	Title     string   `yaml:"title" json:"title"`
	URL       string   `yaml:"url" json:"url"`
	Publisher string   `yaml:"publisher" json:"publisher,omitempty"`
	Date      string   `yaml:"date" json:"date,omitempty"`
	Supports  []string `yaml:"supports" json:"supports,omitempty"`
}

// Sources joins the single `source` of older entries with their `sources` list.
func Sources(one *Source, many []Source) []Source {
	out := []Source{}
	if one != nil {
		out = append(out, *one)
	}
	return append(out, many...)
}

// FactValue is one figure of a disputed fact, with what it counts and who says so.
type FactValue struct {
	Value      string            `yaml:"value" json:"value"`
	ValueMax   *string           `yaml:"value_max" json:"value_max,omitempty"`
	Year       *int              `yaml:"year" json:"year,omitempty"` // nil: the source is undated
	Definition map[string]string `yaml:"definition" json:"definition,omitempty"`
	Sources    []Source          `yaml:"sources" json:"sources"`
}

// Fact is a number about a country's diaspora: settled (value, year, sources) or disputed
// (two or more alternatives, side by side, and no value of its own).
type Fact struct {
	Metric           string            `yaml:"metric"`
	Value            *string           `yaml:"value"`
	ValueMax         *string           `yaml:"value_max"`
	Unit             string            `yaml:"unit"`
	ResidenceCountry *string           `yaml:"residence_country"`
	Year             *int              `yaml:"year"`
	AsOf             string            `yaml:"as_of"`
	Definition       map[string]string `yaml:"definition"`
	Note             map[string]string `yaml:"note"`
	Source           *Source           `yaml:"source"`
	Sources          []Source          `yaml:"sources"`
	Alternatives     []FactValue       `yaml:"alternatives"`
}

// Country is the country part of a country file.
type Country struct {
	Code       string `yaml:"code"`
	Currency   string `yaml:"currency"`
	SourceLang string `yaml:"source_lang"`
	Text       map[string]struct {
		Name    string `yaml:"name"`
		Summary string `yaml:"summary"`
	} `yaml:"text"`
	Facts   []Fact `yaml:"facts"`
	Regions []struct {
		Code string `yaml:"code"`
		Name string `yaml:"name"`
		Kind string `yaml:"kind"`
	} `yaml:"regions"`
}

// Organization is an agency or promoter.
type Organization struct {
	Slug     string  `yaml:"slug"`
	Name     string  `yaml:"name"`
	Acronym  *string `yaml:"acronym"`
	Type     string  `yaml:"type"`
	Website  *string `yaml:"website"`
	Verified bool    `yaml:"verified"`
	// Example marks the organization illustrative items belong to (and only they): clearly
	// named, never verified, never a real agency.
	Example bool `yaml:"example"`
}

// Eligibility are the structured conditions of an incentive or programme.
type Eligibility struct {
	InvestorTypes   []string `yaml:"investor_types"`
	MinInvestment   *Money   `yaml:"min_investment"`
	MaxInvestment   *Money   `yaml:"max_investment"`
	Sectors         []string `yaml:"sectors"`
	Regions         []string `yaml:"regions"`
	MinJobs         *int     `yaml:"min_jobs"`
	ResidenceAbroad *bool    `yaml:"residence_abroad"`
}

// Item is what the three kinds of content share. It has no publication date: an item is
// published here when the seed is first loaded (see the repository's loader).
type Item struct {
	Slug         string   `yaml:"slug"`
	Organization string   `yaml:"organization"`
	Status       string   `yaml:"status"`
	Illustrative bool     `yaml:"illustrative"`
	Source       *Source  `yaml:"source"`
	Sources      []Source `yaml:"sources"`
	// AsOf is the date the item was last checked against its sources (YYYY-MM-DD).
	AsOf       string `yaml:"as_of"`
	SourceLang string `yaml:"source_lang"`
}

// AllSources are the item's sources, `source` first.
func (it Item) AllSources() []Source { return Sources(it.Source, it.Sources) }

// Text is one language's text of an item; which fields are used depends on the kind.
type Text struct {
	Name        string `yaml:"name"`
	Title       string `yaml:"title"`
	Summary     string `yaml:"summary"`
	Description string `yaml:"description"`
	HowToApply  string `yaml:"how_to_apply"`
}

// Incentive is a seed incentive.
type Incentive struct {
	Item       `yaml:",inline"`
	Type       string `yaml:"type"`
	LegalBasis struct {
		Instrument string  `yaml:"instrument"`
		Article    *string `yaml:"article"`
		URL        *string `yaml:"url"`
	} `yaml:"legal_basis"`
	ValidFrom  *string `yaml:"valid_from"`
	ValidUntil *string `yaml:"valid_until"`
	Benefits   []struct {
		Kind            string  `yaml:"kind"`
		Tax             *string `yaml:"tax"`
		Percent         *string `yaml:"percent"`
		CapPercentOfTax *string `yaml:"cap_percent_of_tax"`
		DurationYears   *int    `yaml:"duration_years"`
		Amount          *Money  `yaml:"amount"`
		// Rate is a reduced tax rate itself (percent of the base), not a reduction.
		Rate *string `yaml:"rate"`
		// MinJobs is the headcount this tier of the benefit needs.
		MinJobs *int `yaml:"min_jobs"`
		// CarryForwardYears is how long an unused credit may be carried forward.
		CarryForwardYears *int `yaml:"carry_forward_years"`
		// Unverified: a term comes from a bill or a weak source, not the final legal text.
		Unverified bool `yaml:"unverified"`
	} `yaml:"benefits"`
	// NotCombinableWith are incentives that cannot be enjoyed together with this one: an
	// opportunity may not link both.
	NotCombinableWith []string        `yaml:"not_combinable_with"`
	Eligibility       Eligibility     `yaml:"eligibility"`
	Text              map[string]Text `yaml:"text"`
}

// Programme is a seed support programme.
type Programme struct {
	Item        `yaml:",inline"`
	Operator    string          `yaml:"operator"`
	Type        string          `yaml:"type"`
	URL         *string         `yaml:"url"`
	MaxAmount   *Money          `yaml:"max_amount"`
	ValidFrom   *string         `yaml:"valid_from"`
	ValidUntil  *string         `yaml:"valid_until"`
	Eligibility Eligibility     `yaml:"eligibility"`
	Text        map[string]Text `yaml:"text"`
}

// Opportunity is a seed business opportunity.
type Opportunity struct {
	Item          `yaml:",inline"`
	Region        *string  `yaml:"region"`
	Sectors       []string `yaml:"sectors"`
	Instrument    *string  `yaml:"instrument"`
	MinInvestment *Money   `yaml:"min_investment"`
	MaxInvestment *Money   `yaml:"max_investment"`
	Jobs          *int     `yaml:"jobs"`
	Deadline      *string  `yaml:"deadline"`
	InvestorTypes []string `yaml:"investor_types"`
	Contact       struct {
		Name  *string `yaml:"name"`
		Email *string `yaml:"email"`
		Phone *string `yaml:"phone"`
		URL   *string `yaml:"url"`
	} `yaml:"contact"`
	Incentives []string        `yaml:"incentives"`
	Programmes []string        `yaml:"programmes"`
	Text       map[string]Text `yaml:"text"`
}

// CountryFile is one origin country's file.
type CountryFile struct {
	Name          string         `yaml:"-"`
	Country       Country        `yaml:"country"`
	Organizations []Organization `yaml:"organizations"`
	Incentives    []Incentive    `yaml:"incentives"`
	Programmes    []Programme    `yaml:"programmes"`
	Opportunities []Opportunity  `yaml:"opportunities"`
}

// Content is the whole seed.
type Content struct {
	Reference Reference
	Countries []CountryFile
}

// Load parses every file; a field the format does not know is an error, so a typo in a file
// fails loudly instead of silently dropping data.
func Load() (*Content, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var c Content
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if name == "reference.yaml" {
			err = decodeStrict(b, &c.Reference)
		} else {
			f := CountryFile{Name: strings.TrimSuffix(name, ".yaml")}
			err = decodeStrict(b, &f)
			c.Countries = append(c.Countries, f)
		}
		if err != nil {
			return nil, fmt.Errorf("seed: %s: %w", name, err)
		}
	}
	return &c, nil
}

func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}
