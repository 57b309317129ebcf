package domain

import "time"

// Kind names one of the three kinds of content.
type Kind string

// The kinds of content. Their values are the resource names of the API.
const (
	KindOpportunity Kind = "opportunities"
	KindIncentive   Kind = "incentives"
	KindProgramme   Kind = "programmes"
	// KindSaved names a user's list of saved opportunities, for its cursors.
	KindSaved Kind = "saved"
)

// Country is an origin country with its text in one language.
type Country struct {
	Code       string
	Currency   string
	SourceLang string
	Langs      []string
	Lang       string
	Name       string
	Summary    string
	Counts     Counts
}

// Counts are a country's published content, per kind.
type Counts struct {
	Opportunities int
	Incentives    int
	Programmes    int
}

// Fact is a sourced number about a country's diaspora: settled (Value, Year, Sources) or
// disputed (Value nil, and two or more Alternatives shown side by side). Definition and Note
// are by language.
type Fact struct {
	Metric           string
	Value            *string
	ValueMax         *string
	Unit             string
	ResidenceCountry *string
	Municipality     *string // remittances_by_municipality: the place, as the source names it
	Year             *int
	Definition       map[string]string
	Note             map[string]string
	Sources          []SourceRef
	Alternatives     []FactValue
	AsOf             *time.Time
}

// FactValue is one figure of a disputed fact; Year is nil when the source is undated.
type FactValue struct {
	Value      string            `json:"value"`
	ValueMax   *string           `json:"value_max"`
	Year       *int              `json:"year"`
	Definition map[string]string `json:"definition"`
	Sources    []SourceRef       `json:"sources"`
}

// SourceRef is one source of an item or fact: the document, its publisher and date (as
// precise as the source gives it: 2025, 2025-12 or 2025-12-11) and the fields it supports.
type SourceRef struct {
	Title     string   `json:"title"`
	URL       string   `json:"url"`
	Publisher string   `json:"publisher"`
	Date      string   `json:"date"`
	Supports  []string `json:"supports"`
}

// Closed says whether an opportunity with this deadline is closed on day today (UTC): the day
// after its deadline.
func Closed(deadline *time.Time, today time.Time) bool {
	if deadline == nil {
		return false
	}
	y, m, d := today.UTC().Date()
	return deadline.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// RecheckDue says whether content last checked on asOf must be checked again against its
// sources on day today, past months months (unchecked content always is).
func RecheckDue(asOf *time.Time, today time.Time, months int) bool {
	return asOf == nil || asOf.AddDate(0, months, 0).Before(today.UTC())
}

// Region is an island, province or state of a country.
type Region struct {
	Country string
	Code    string
	Name    string
	Kind    string
}

// OrgRef names an organization where content points to it.
type OrgRef struct {
	ID      string
	Name    string
	Acronym *string
}

// Organization is an agency, ministry, bank or promoter.
type Organization struct {
	OrgRef
	Type     string
	Website  *string
	Verified bool
}

// Source is where a fact or an item comes from.
type Source struct {
	Title string
	URL   string
}

// RegionRef is a region named inside a content item.
type RegionRef struct {
	Code string
	Name string
}

// Localized is what every content item carries about its languages.
type Localized struct {
	Lang       string   // the language of the text returned
	Langs      []string // every language it exists in
	SourceLang string   // the language it was written in
}

// Content is what opportunities, incentives and programmes share.
type Content struct {
	Localized
	ID           string
	Slug         string
	Country      string
	Status       string
	Illustrative bool
	Organization OrgRef
	Source       *Source
	Sources      []SourceRef
	AsOf         *time.Time // when it was last checked against its sources
	PublishedAt  *time.Time // nil until first published
	UpdatedAt    time.Time
	Summary      string
	Description  string // only in details
}

// Eligibility are the structured conditions of an incentive or programme. Empty lists and nil
// values mean "no condition".
type Eligibility struct {
	InvestorTypes   []string
	MinInvestment   *Money
	MaxInvestment   *Money
	Sectors         []string
	Regions         []RegionRef
	MinJobs         *int
	ResidenceAbroad *bool
}

// Opportunity is a business opportunity posted by an agency.
type Opportunity struct {
	Content
	Title         string
	Region        *RegionRef
	Sectors       []string
	Instrument    *string
	MinInvestment *Money
	MaxInvestment *Money
	Jobs          *int
	Deadline      *time.Time
	InvestorTypes []string
	Contact       Contact
	Incentives    []LinkedItem
	Programmes    []LinkedItem
}

// Contact is whom to ask about an opportunity.
type Contact struct {
	Name, Email, Phone, URL *string
}

// LinkedItem is an incentive or programme named by an opportunity.
type LinkedItem struct {
	ID   string
	Name string
	Type string
	Lang string
}

// Incentive is a tax, customs, financing or other benefit for investors.
type Incentive struct {
	Content
	Name            string
	Type            string
	LegalInstrument string
	LegalArticle    *string
	LegalURL        *string
	ValidFrom       *time.Time
	ValidUntil      *time.Time
	Benefits        []Benefit
	Eligibility     Eligibility
}

// Benefit is one structured advantage an incentive gives.
type Benefit struct {
	Kind            string
	Tax             *string
	Percent         *string
	CapPercentOfTax *string
	DurationYears   *int
	Amount          *Money
	// Rate is a reduced tax rate itself (percent of the base); MinJobs the headcount this tier
	// needs; CarryForwardYears how long an unused credit may be carried forward; Unverified
	// that a term comes from a bill or a weak source, not the final legal text.
	Rate              *string
	MinJobs           *int
	CarryForwardYears *int
	Unverified        bool
}

// Programme is a support programme: financing, guarantees, grants, training …
type Programme struct {
	Content
	Name        string
	Type        string
	Operator    OrgRef
	URL         *string
	MaxAmount   *Money
	ValidFrom   *time.Time
	ValidUntil  *time.Time
	Eligibility Eligibility
	HowToApply  string // only in details
}

// FacetCount is how many items of the current filter carry one code.
type FacetCount struct {
	Code  string
	Label string // set by the repository only for codes with no locale label (regions)
	Count int
}

// Facets are the counts asked for with a list, by facet name (sector, region, type).
type Facets map[string][]FacetCount

// FacetNames are the facets a list can count.
var FacetNames = []string{"sector", "region", "type"}

// Page is one page of a list.
type Page[T any] struct {
	Items  []T
	Next   *Cursor // nil on the last page
	Facets Facets  // nil unless asked
}

// CountryDetail is a country with its facts, regions and verified organizations.
type CountryDetail struct {
	Country
	Facts         []Fact
	Regions       []Region
	Organizations []Organization
}

// OrgFilter narrows the directory of organizations.
type OrgFilter struct {
	Country  string
	Type     string
	Pending  bool // unverified applications (administrators), oldest first
	AfterKey string
	AfterID  string
	Limit    int
	// List is the fingerprint of the list that the filter selects, for its cursors.
	List uint32
}
