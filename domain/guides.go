package domain

import "time"

// Guide is "the steps to invest": a localized, sourced procedure of a country (registering a
// company, the emigrant-investor certificate, an establishment agreement…), read in the
// reader's language with the same fallback as the other content.
type Guide struct {
	ID      string
	Slug    string
	Country string
	Org     OrgRef
	Localized
	Title       string
	Summary     string
	Audience    string
	Caveats     string
	MachineMade bool // the text in Lang was not written or reviewed by a fluent speaker
	Sources     []SourceRef
	AsOf        *time.Time
	PublishedAt *time.Time
	UpdatedAt   time.Time
	StepCount   int
}

// GuideStep is one step of a guide, in the guide's language. Office, Documents, Cost and
// Duration are nil when no source gives them.
type GuideStep struct {
	Position  int
	Lang      string // the language of this step's text, which may be a fallback
	Title     string
	Body      string
	Office    *string
	Documents *string
	Cost      *string
	Duration  *string
	Sources   []SourceRef
}

// GuideDetail is a guide with its steps and the incentives and programmes it explains.
type GuideDetail struct {
	Guide
	Steps      []GuideStep
	Incentives []ItemRef
	Programmes []ItemRef
}

// ItemRef names a published item in the reader's language, where another resource links to it.
type ItemRef struct {
	ID    string
	Slug  string
	Title string
	Lang  string
}

// GuideFilter narrows a country's guides: search text, the reader's languages, and the
// languages a search is parsed in.
type GuideFilter struct {
	Country     string
	Query       string
	Langs       []string
	SearchLangs []string
}

// ContactPoint is a public contact point of an organization, sourced and dated. Label and Note are
// by language; the fields the sources do not give are nil.
type ContactPoint struct {
	Org     OrgRef
	Label   map[string]string
	Address *string
	Email   *string
	Phone   *string
	URL     *string
	Hours   *string
	Note    map[string]string
	Sources []SourceRef
	AsOf    time.Time
}
