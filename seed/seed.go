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
	Organizations []Organization `yaml:"organizations,omitempty"`
	Currencies    []struct {
		Code       string `yaml:"code,omitempty"`
		MinorUnits int    `yaml:"minor_units,omitempty"`
	} `yaml:"currencies,omitempty"`
	ExchangeRates []struct {
		Currency string `yaml:"currency,omitempty"`
		PerEUR   string `yaml:"per_eur,omitempty"`
		AsOf     string `yaml:"as_of,omitempty"`
		Source   string `yaml:"source,omitempty"`
	} `yaml:"exchange_rates,omitempty"`
}

// Money is an amount and its currency.
type Money struct {
	Amount   string `yaml:"amount,omitempty"`
	Currency string `yaml:"currency,omitempty"`
}

// Source is where a fact comes from: the document, who published it and when (as precise as
// the source says: "2025", "2025-12" or "2025-12-11"), and which fields of the item it
// supports (field names such as deadline, min_investment, text).
type Source struct {
	Title     string   `yaml:"title,omitempty" json:"title"`
	URL       string   `yaml:"url,omitempty" json:"url"`
	Publisher string   `yaml:"publisher,omitempty" json:"publisher,omitempty"`
	Date      string   `yaml:"date,omitempty" json:"date,omitempty"`
	Supports  []string `yaml:"supports,omitempty" json:"supports,omitempty"`
}

// Sourced are the sources of a fact or an item: the single `source` of older entries and the
// `sources` list.
type Sourced struct {
	Source  *Source  `yaml:"source,omitempty"`
	Sources []Source `yaml:"sources,omitempty"`
}

// AllSources joins the two, `source` first.
func (s Sourced) AllSources() []Source {
	out := []Source{}
	if s.Source != nil {
		out = append(out, *s.Source)
	}
	return append(out, s.Sources...)
}

// FactValue is one figure of a disputed fact, with what it counts and who says so.
type FactValue struct {
	Value      string            `yaml:"value,omitempty" json:"value"`
	ValueMax   *string           `yaml:"value_max,omitempty" json:"value_max,omitempty"`
	Year       *int              `yaml:"year,omitempty" json:"year,omitempty"` // nil: the source is undated
	Definition map[string]string `yaml:"definition,omitempty" json:"definition,omitempty"`
	Sources    []Source          `yaml:"sources,omitempty" json:"sources"`
}

// Fact is a number about a country's diaspora: settled (value, year, sources) or disputed
// (two or more alternatives, side by side, and no value of its own).
type Fact struct {
	Metric           string            `yaml:"metric,omitempty"`
	Value            *string           `yaml:"value,omitempty"`
	ValueMax         *string           `yaml:"value_max,omitempty"`
	Unit             string            `yaml:"unit,omitempty"`
	ResidenceCountry *string           `yaml:"residence_country,omitempty"`
	Municipality     *string           `yaml:"municipality,omitempty"`
	Year             *int              `yaml:"year,omitempty"`
	AsOf             string            `yaml:"as_of,omitempty"`
	Definition       map[string]string `yaml:"definition,omitempty"`
	Note             map[string]string `yaml:"note,omitempty"`
	Sourced          `yaml:",inline"`
	Alternatives     []FactValue `yaml:"alternatives,omitempty"`
}

// Country is the country part of a country file.
type Country struct {
	Code       string                 `yaml:"code,omitempty"`
	Currency   string                 `yaml:"currency,omitempty"`
	SourceLang string                 `yaml:"source_lang,omitempty"`
	Text       map[string]CountryText `yaml:"text,omitempty"`
	Facts      []Fact                 `yaml:"facts,omitempty"`
	Regions    []Region               `yaml:"regions,omitempty"`
}

// CountryText is one language's name and summary of a country.
type CountryText struct {
	Name    string `yaml:"name,omitempty"`
	Summary string `yaml:"summary,omitempty"`
}

// Region is a region of a country.
type Region struct {
	Code string `yaml:"code,omitempty"`
	Name string `yaml:"name,omitempty"`
	Kind string `yaml:"kind,omitempty"`
}

// Organization is an agency or promoter.
type Organization struct {
	Slug     string  `yaml:"slug,omitempty"`
	Name     string  `yaml:"name,omitempty"`
	Acronym  *string `yaml:"acronym,omitempty"`
	Type     string  `yaml:"type,omitempty"`
	Website  *string `yaml:"website,omitempty"`
	Verified bool    `yaml:"verified,omitempty"`
	// Example marks the organization illustrative items belong to (and only they): clearly
	// named, never verified, never a real agency.
	Example bool `yaml:"example,omitempty"`
	// Contacts are its public contact points, each sourced and dated (contacts.go).
	Contacts []Contact `yaml:"contacts,omitempty"`
}

// InvestmentRange is an investment's smallest and largest amount, in one currency: an
// opportunity's, or the range an incentive or programme asks for.
type InvestmentRange struct {
	MinInvestment *Money `yaml:"min_investment,omitempty"`
	MaxInvestment *Money `yaml:"max_investment,omitempty"`
}

// Validity is the window in which an incentive or programme can be granted (YYYY-MM-DD, either
// end open).
type Validity struct {
	ValidFrom  *string `yaml:"valid_from,omitempty"`
	ValidUntil *string `yaml:"valid_until,omitempty"`
}

// Eligibility are the structured conditions of an incentive or programme.
type Eligibility struct {
	InvestorTypes   []string `yaml:"investor_types,omitempty"`
	InvestmentRange `yaml:",inline"`
	Sectors         []string `yaml:"sectors,omitempty"`
	Regions         []string `yaml:"regions,omitempty"`
	MinJobs         *int     `yaml:"min_jobs,omitempty"`
	ResidenceAbroad *bool    `yaml:"residence_abroad,omitempty"`
}

// Item is what the three kinds of content share. It has no publication date: an item is
// published here when the seed is first loaded (see the repository's loader).
type Item struct {
	Slug         string `yaml:"slug,omitempty"`
	Organization string `yaml:"organization,omitempty"`
	Status       string `yaml:"status,omitempty"`
	Illustrative bool   `yaml:"illustrative,omitempty"`
	Sourced      `yaml:",inline"`
	// AsOf is the date the item was last checked against its sources (YYYY-MM-DD).
	AsOf       string `yaml:"as_of,omitempty"`
	SourceLang string `yaml:"source_lang,omitempty"`
}

// Text is one language's text of an item; which fields are used depends on the kind.
type Text struct {
	Name        string `yaml:"name,omitempty"`
	Title       string `yaml:"title,omitempty"`
	Summary     string `yaml:"summary,omitempty"`
	Description string `yaml:"description,omitempty"`
	HowToApply  string `yaml:"how_to_apply,omitempty"`
}

// Incentive is a seed incentive.
// Benefit is one structured benefit of an incentive.
type Benefit struct {
	Kind            string  `yaml:"kind,omitempty"`
	Tax             *string `yaml:"tax,omitempty"`
	Percent         *string `yaml:"percent,omitempty"`
	CapPercentOfTax *string `yaml:"cap_percent_of_tax,omitempty"`
	DurationYears   *int    `yaml:"duration_years,omitempty"`
	Amount          *Money  `yaml:"amount,omitempty"`
	// Rate is a reduced tax rate itself (percent of the base), not a reduction.
	Rate *string `yaml:"rate,omitempty"`
	// MinJobs is the headcount this tier of the benefit needs.
	MinJobs *int `yaml:"min_jobs,omitempty"`
	// CarryForwardYears is how long an unused credit may be carried forward.
	CarryForwardYears *int `yaml:"carry_forward_years,omitempty"`
	// Unverified: a term comes from a bill or a weak source, not the final legal text.
	Unverified bool `yaml:"unverified,omitempty"`
}

// Incentive is a tax, customs or other benefit, with its legal basis and eligibility.
type Incentive struct {
	Item       `yaml:",inline"`
	Type       string `yaml:"type,omitempty"`
	LegalBasis struct {
		Instrument string  `yaml:"instrument,omitempty"`
		Article    *string `yaml:"article,omitempty"`
		URL        *string `yaml:"url,omitempty"`
	} `yaml:"legal_basis,omitempty"`
	Validity `yaml:",inline"`
	Benefits []Benefit `yaml:"benefits,omitempty"`
	// NotCombinableWith are incentives that cannot be enjoyed together with this one: an
	// opportunity may not link both.
	NotCombinableWith []string        `yaml:"not_combinable_with,omitempty"`
	Eligibility       Eligibility     `yaml:"eligibility,omitempty"`
	Text              map[string]Text `yaml:"text,omitempty"`
}

// Programme is a seed support programme.
type Programme struct {
	Item        `yaml:",inline"`
	Operator    string  `yaml:"operator,omitempty"`
	Type        string  `yaml:"type,omitempty"`
	URL         *string `yaml:"url,omitempty"`
	MaxAmount   *Money  `yaml:"max_amount,omitempty"`
	Validity    `yaml:",inline"`
	Eligibility Eligibility     `yaml:"eligibility,omitempty"`
	Text        map[string]Text `yaml:"text,omitempty"`
}

// Opportunity is a seed business opportunity.
type Opportunity struct {
	Item            `yaml:",inline"`
	Region          *string  `yaml:"region,omitempty"`
	Sectors         []string `yaml:"sectors,omitempty"`
	Instrument      *string  `yaml:"instrument,omitempty"`
	InvestmentRange `yaml:",inline"`
	Jobs            *int     `yaml:"jobs,omitempty"`
	Deadline        *string  `yaml:"deadline,omitempty"`
	InvestorTypes   []string `yaml:"investor_types,omitempty"`
	Contact         struct {
		Name  *string `yaml:"name,omitempty"`
		Email *string `yaml:"email,omitempty"`
		Phone *string `yaml:"phone,omitempty"`
		URL   *string `yaml:"url,omitempty"`
	} `yaml:"contact,omitempty"`
	Incentives []string        `yaml:"incentives,omitempty"`
	Programmes []string        `yaml:"programmes,omitempty"`
	Text       map[string]Text `yaml:"text,omitempty"`
}

// CountryFile is one origin country's file.
type CountryFile struct {
	Name          string         `yaml:"-"`
	Country       Country        `yaml:"country,omitempty"`
	Organizations []Organization `yaml:"organizations,omitempty"`
	Incentives    []Incentive    `yaml:"incentives,omitempty"`
	Programmes    []Programme    `yaml:"programmes,omitempty"`
	Opportunities []Opportunity  `yaml:"opportunities,omitempty"`
	Guides        []Guide        `yaml:"guides,omitempty"`
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

// ParseCountryFile reads one country file (the format of this folder's <code>.yaml), as strictly
// as Load does: an unknown field is an error. name is the file's name without extension.
func ParseCountryFile(name string, b []byte) (*CountryFile, error) {
	f := CountryFile{Name: name}
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("seed: %s: %w", name, err)
	}
	if f.Country.Code == "" {
		return nil, fmt.Errorf("seed: %s: no country.code", name)
	}
	return &f, nil
}

// Marshal writes a country file in the format ParseCountryFile reads, leaving out empty fields.
func (f *CountryFile) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Change is one difference an import makes (or would make): a part of the file, new or changed.
type Change struct {
	Kind   string   // country, organization, incentive, programme, opportunity
	Slug   string   // the country's code for the country itself
	New    bool     // absent from the database before
	Fields []string // the changed fields (top-level keys; text.<lang> for a language's text)
}

func (c Change) String() string {
	if c.New {
		return fmt.Sprintf("+ %s %s (new)", c.Kind, c.Slug)
	}
	return fmt.Sprintf("~ %s %s: %s", c.Kind, c.Slug, strings.Join(c.Fields, ", "))
}
