package domain

// The commands of the editorial workflow: what an agency sends to create or change an item of
// content, field by field, before and after the editorial use cases check it.

// Opt is an input field that may be absent, null or a value: a change needs to tell the three
// apart (absent: unchanged; null: cleared).
type Opt[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// Has says whether the field came with a value.
func (o Opt[T]) Has() bool { return o.Set && !o.Null }

// Some is a field set to v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, Value: v} }

// Cleared is a field set to null.
func Cleared[T any]() Opt[T] { return Opt[T]{Set: true, Null: true} }

// ContentChange is a draft (every required field set) or a change to an item of one kind: its
// language-neutral fields, and its text in one language. Each kind takes its own fields; the
// editorial use cases check them and hand the store a normalized ContentChange (trimmed text,
// codes without repeats, the operator's id, amounts in canonical form).
type ContentChange struct {
	Organization Opt[string] // a draft's organization: its id (a draft only)
	Country      Opt[string] // a draft's country (a draft only)

	// The text of one language; Title is an opportunity's title, an incentive's or
	// programme's name.
	Lang        Opt[string]
	Title       Opt[string]
	Summary     Opt[string]
	Description Opt[string]
	HowToApply  Opt[string] // programmes

	Source Opt[SourceLink] // every kind
	AsOf   Opt[string]     // every kind: the date it was last checked against its sources, YYYY-MM-DD

	// Opportunities.
	Sectors       Opt[[]string]
	Region        Opt[string]
	Instrument    Opt[string]
	MinInvestment Opt[Money]
	MaxInvestment Opt[Money]
	Jobs          Opt[int]
	Deadline      Opt[string] // YYYY-MM-DD
	InvestorTypes Opt[[]string]
	Contact       Opt[Contact] // a nil part clears it

	// Incentives and programmes.
	Type        Opt[string]
	ValidFrom   Opt[string] // YYYY-MM-DD
	ValidUntil  Opt[string] // YYYY-MM-DD
	Eligibility Opt[CriteriaChange]

	// Incentives.
	LegalInstrument Opt[string]
	LegalArticle    Opt[string]
	LegalURL        Opt[string]
	Benefits        Opt[[]Benefit] // null: none

	// Programmes.
	Operator  Opt[string] // an organization's id
	URL       Opt[string]
	MaxAmount Opt[Money]
}

// HasText says whether the change writes any text of its language.
func (c ContentChange) HasText() bool {
	return c.Title.Has() || c.Summary.Has() || c.Description.Has() || c.HowToApply.Has()
}

// SourceLink is the source an item is checked against.
type SourceLink struct {
	Title string
	URL   string
}

// CriteriaChange are the eligibility criteria of an incentive or programme; null lists clear them.
type CriteriaChange struct {
	InvestorTypes   Opt[[]string]
	MinInvestment   Opt[Money]
	MaxInvestment   Opt[Money]
	Sectors         Opt[[]string]
	Regions         Opt[[]string]
	MinJobs         Opt[int]
	ResidenceAbroad Opt[bool]
}

// TextChange is an item's text in one language, as a translation writes it whole.
type TextChange struct {
	Lang        string
	Title       Opt[string]
	Summary     Opt[string]
	Description Opt[string]
	HowToApply  Opt[string] // programmes
}
