package api

import (
	"slices"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// The JSON shapes of openapi.yaml. Field order follows the document; pointers are the
// nullable fields, which are always present (as null) so clients need not guess.

type coded struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

type listBody[T any] struct {
	Items      []T                   `json:"items"`
	NextCursor *string               `json:"next_cursor"`
	Facets     map[string][]facetRow `json:"facets,omitempty"`
}

type facetRow struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type countJSON struct {
	Opportunities int `json:"opportunities"`
	Incentives    int `json:"incentives"`
	Programmes    int `json:"programmes"`
}

type countryJSON struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Summary    string    `json:"summary"`
	Lang       string    `json:"lang"`
	Langs      []string  `json:"langs"`
	SourceLang string    `json:"source_lang"`
	Currency   string    `json:"currency"`
	Counts     countJSON `json:"counts"`
}

type countryDetailJSON struct {
	countryJSON
	Facts         []factJSON         `json:"facts"`
	Regions       []regionJSON       `json:"regions"`
	Organizations []organizationJSON `json:"organizations"`
}

// sourceJSON is an item's main source, as shown and as sent.
type sourceJSON struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// factJSON is a settled fact (value, year, its sources) or a disputed one: value, year and
// source null, disputed true, and the figures the sources give side by side in alternatives.
type factJSON struct {
	Metric           coded   `json:"metric"`
	Value            *string `json:"value"`
	ValueMax         *string `json:"value_max"`
	Unit             string  `json:"unit"`
	ResidenceCountry *string `json:"residence_country"`
	// Municipality is set on remittances_by_municipality only.
	Municipality *string         `json:"municipality"`
	Year         *int            `json:"year"`
	Source       *sourceJSON     `json:"source"`
	Disputed     bool            `json:"disputed"`
	Definition   *string         `json:"definition"`
	Note         *string         `json:"note"`
	AsOf         *string         `json:"as_of"`
	Sources      []sourceRefJSON `json:"sources"`
	Alternatives []factValueJSON `json:"alternatives"`
}

type factValueJSON struct {
	Value      string          `json:"value"`
	ValueMax   *string         `json:"value_max"`
	Year       *int            `json:"year"`
	Definition *string         `json:"definition"`
	Sources    []sourceRefJSON `json:"sources"`
}

// sourceRefJSON is one source of an item or fact, with the fields of the item it supports.
type sourceRefJSON struct {
	Title     string   `json:"title"`
	URL       string   `json:"url"`
	Publisher *string  `json:"publisher"`
	Date      *string  `json:"date"`
	Supports  []string `json:"supports"`
}

// exampleJSON labels an illustrative item, in the reader's language.
type exampleJSON struct {
	Label string `json:"label"`
}

type regionJSON struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Kind    coded  `json:"kind"`
	Country string `json:"country"`
}

type regionRefJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type orgRefJSON struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Acronym *string `json:"acronym"`
}

type organizationJSON struct {
	orgRefJSON
	Type     coded   `json:"type"`
	Website  *string `json:"website"`
	Verified bool    `json:"verified"`
}

// contentJSON are the fields every kind of content shows, in the document's order.
type contentJSON struct {
	ID         string   `json:"id"`
	Slug       string   `json:"slug"`
	Country    string   `json:"country"`
	Lang       string   `json:"lang"`
	Langs      []string `json:"langs"`
	SourceLang string   `json:"source_lang"`
}

type provenanceJSON struct {
	Status       coded `json:"status"`
	Illustrative bool  `json:"illustrative"`
	// Example is set on illustrative items only: what to show beside them.
	Example *exampleJSON `json:"example"`
	publishedJSON
}

// publishedJSON says who publishes an item (content or a guide), when, and the date it was
// last checked against its sources.
type publishedJSON struct {
	Organization orgRefJSON `json:"organization"`
	PublishedAt  *time.Time `json:"published_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	AsOf         *string    `json:"as_of"`
}

type opportunityJSON struct {
	contentJSON
	Title         string         `json:"title"`
	Summary       string         `json:"summary"`
	Region        *regionRefJSON `json:"region"`
	Sectors       []coded        `json:"sectors"`
	Instrument    *coded         `json:"instrument"`
	MinInvestment *moneyJSON     `json:"min_investment"`
	MaxInvestment *moneyJSON     `json:"max_investment"`
	Jobs          *int           `json:"jobs"`
	Deadline      *string        `json:"deadline"`
	Closed        bool           `json:"closed"`
	InvestorTypes []coded        `json:"investor_types"`
	provenanceJSON
}

type opportunityDetailJSON struct {
	opportunityJSON
	Description string          `json:"description"`
	Contact     contactJSON     `json:"contact"`
	Incentives  []linkedJSON    `json:"incentives"`
	Programmes  []linkedJSON    `json:"programmes"`
	Source      *sourceJSON     `json:"source"`
	Sources     []sourceRefJSON `json:"sources"`
	// Editorial is shown to the item's editors only.
	Editorial *editorialJSON `json:"editorial,omitempty"`
}

// contactJSON is an opportunity's contact, as shown and as sent.
type contactJSON struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
	URL   *string `json:"url"`
}

type linkedJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type coded  `json:"type"`
	Lang string `json:"lang"`
}

type eligibilityJSON struct {
	InvestorTypes   []coded         `json:"investor_types"`
	MinInvestment   *moneyJSON      `json:"min_investment"`
	MaxInvestment   *moneyJSON      `json:"max_investment"`
	Sectors         []coded         `json:"sectors"`
	Regions         []regionRefJSON `json:"regions"`
	MinJobs         *int            `json:"min_jobs"`
	ResidenceAbroad *bool           `json:"residence_abroad"`
}

type legalBasisJSON struct {
	Instrument string  `json:"instrument"`
	Article    *string `json:"article"`
	URL        *string `json:"url"`
}

type benefitJSON struct {
	Kind              coded      `json:"kind"`
	Tax               *coded     `json:"tax"`
	Percent           *string    `json:"percent"`
	CapPercentOfTax   *string    `json:"cap_percent_of_tax"`
	DurationYears     *int       `json:"duration_years"`
	Amount            *moneyJSON `json:"amount"`
	Rate              *string    `json:"rate"`
	MinJobs           *int       `json:"min_jobs"`
	CarryForwardYears *int       `json:"carry_forward_years"`
	Unverified        bool       `json:"unverified"`
}

type incentiveJSON struct {
	contentJSON
	Type        coded           `json:"type"`
	Name        string          `json:"name"`
	Summary     string          `json:"summary"`
	LegalBasis  legalBasisJSON  `json:"legal_basis"`
	ValidFrom   *string         `json:"valid_from"`
	ValidUntil  *string         `json:"valid_until"`
	Benefits    []benefitJSON   `json:"benefits"`
	Eligibility eligibilityJSON `json:"eligibility"`
	provenanceJSON
}

type incentiveDetailJSON struct {
	incentiveJSON
	Description string `json:"description"`
	explainedJSON
}

// explainedJSON ends the detail of an incentive or a programme: its sources, the guides that
// explain it and, for its editors, its editorial state.
type explainedJSON struct {
	Source  *sourceJSON     `json:"source"`
	Sources []sourceRefJSON `json:"sources"`
	// Guides that explain it (public detail only; guides.go).
	Guides *[]guideRefJSON `json:"guides,omitempty"`
	// Editorial is shown to the item's editors only.
	Editorial *editorialJSON `json:"editorial,omitempty"`
}

// editorialHolder is a detail that can carry its editorial state (shown to its editors only).
type editorialHolder[D any] interface {
	*D
	setEditorial(*editorialJSON)
}

func (d *opportunityDetailJSON) setEditorial(e *editorialJSON) { d.Editorial = e }

// setEditorial is promoted to the details of incentives and programmes.
func (x *explainedJSON) setEditorial(e *editorialJSON) { x.Editorial = e }

// withEditorial is detail d with what only its editors see.
func withEditorial[D any, P editorialHolder[D]](d D, e *editorialJSON) D {
	P(&d).setEditorial(e)
	return d
}

func explained(c domain.Content) explainedJSON {
	return explainedJSON{Source: source(c.Source), Sources: sourceRefs(c.Sources)}
}

type programmeJSON struct {
	contentJSON
	Type        coded           `json:"type"`
	Name        string          `json:"name"`
	Summary     string          `json:"summary"`
	Operator    orgRefJSON      `json:"operator"`
	URL         *string         `json:"url"`
	MaxAmount   *moneyJSON      `json:"max_amount"`
	ValidFrom   *string         `json:"valid_from"`
	ValidUntil  *string         `json:"valid_until"`
	Eligibility eligibilityJSON `json:"eligibility"`
	provenanceJSON
}

type programmeDetailJSON struct {
	programmeJSON
	Description string `json:"description"`
	HowToApply  string `json:"how_to_apply"`
	explainedJSON
}

// view renders domain values for one response, in one interface language, and records the
// languages of the content it rendered (for Content-Language).
type view struct {
	langs *Languages
	lang  string   // interface language: labels
	used  []string // languages of the text in the body
	// rates and showIn, when set, add each amount's value in showIn beside it (currency=).
	rates  domain.Rates
	showIn string
	// recheckMonths is the age of as_of past which editors are told to check an item again.
	recheckMonths int
	today         time.Time
}

// moneyJSON is an amount as the API shows it: with its value in the reader's currency when
// one was asked (currency=).
type moneyJSON struct {
	Amount    string         `json:"amount"`
	Currency  string         `json:"currency"`
	Converted *convertedJSON `json:"converted,omitempty"`
}

type convertedJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Rate     string `json:"rate"`
	AsOf     string `json:"as_of"`
}

// showAmountsIn makes the view add every amount's value in currency, at rates.
func (v *view) showAmountsIn(currency string, rates domain.Rates) {
	v.showIn, v.rates = currency, rates
}

func (v *view) money(m *domain.Money) *moneyJSON {
	if m == nil {
		return nil
	}
	out := &moneyJSON{Amount: m.Amount, Currency: m.Currency}
	if v.showIn != "" {
		if c, ok := v.rates.Convert(*m, v.showIn); ok {
			out.Converted = &convertedJSON{Amount: c.Amount, Currency: c.Currency, Rate: c.Rate, AsOf: c.AsOf.Format(time.DateOnly)}
		}
	}
	return out
}

func (s *server) newView(prefs []string) *view {
	lang := s.langs.Interface(prefs)
	return &view{langs: s.langs, lang: lang, used: []string{lang}, recheckMonths: s.cfg.RecheckAfterMonths, today: time.Now().UTC()}
}

func (v *view) uses(lang string) {
	if !slices.Contains(v.used, lang) {
		v.used = append(v.used, lang)
	}
}

func (v *view) label(set domain.CodeSet, code string) coded {
	return coded{Code: code, Label: v.langs.Label(v.lang, set, code)}
}

func (v *view) labels(set domain.CodeSet, codes []string) []coded {
	return mapped(codes, func(c string) coded { return v.label(set, c) })
}

// mapped applies f to each element of list, in order.
func mapped[A, B any](list []A, f func(A) B) []B {
	out := make([]B, len(list))
	for i, a := range list {
		out[i] = f(a)
	}
	return out
}

func (v *view) optionalLabel(set domain.CodeSet, code *string) *coded {
	if code == nil {
		return nil
	}
	c := v.label(set, *code)
	return &c
}

func date(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func orgRef(o domain.OrgRef) orgRefJSON {
	return orgRefJSON{ID: o.ID, Name: o.Name, Acronym: o.Acronym}
}

func source(s *domain.Source) *sourceJSON {
	if s == nil {
		return nil
	}
	return &sourceJSON{Title: s.Title, URL: s.URL}
}

func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

func (v *view) country(c domain.Country) countryJSON {
	v.uses(c.Lang)
	return countryJSON{Code: c.Code, Name: c.Name, Summary: c.Summary, Lang: c.Lang, Langs: orEmpty(c.Langs),
		SourceLang: c.SourceLang, Currency: c.Currency, Counts: countJSON(c.Counts)}
}

func (v *view) countryDetail(d *domain.CountryDetail) countryDetailJSON {
	out := countryDetailJSON{countryJSON: v.country(d.Country), Facts: []factJSON{},
		Regions: []regionJSON{}, Organizations: []organizationJSON{}}
	for _, f := range d.Facts {
		fact := factJSON{Metric: v.label(domain.FactMetrics, f.Metric), Value: f.Value, ValueMax: f.ValueMax,
			Unit: f.Unit, ResidenceCountry: f.ResidenceCountry, Municipality: f.Municipality, Year: f.Year, Disputed: len(f.Alternatives) > 0,
			Definition: v.text(f.Definition), Note: v.text(f.Note), AsOf: date(f.AsOf),
			Sources: sourceRefs(f.Sources), Alternatives: make([]factValueJSON, len(f.Alternatives))}
		if len(f.Sources) > 0 {
			fact.Source = &sourceJSON{Title: f.Sources[0].Title, URL: f.Sources[0].URL}
		}
		for i, a := range f.Alternatives {
			fact.Alternatives[i] = factValueJSON{Value: a.Value, ValueMax: a.ValueMax, Year: a.Year,
				Definition: v.text(a.Definition), Sources: sourceRefs(a.Sources)}
		}
		out.Facts = append(out.Facts, fact)
	}
	for _, r := range d.Regions {
		out.Regions = append(out.Regions, v.region(r))
	}
	for _, o := range d.Organizations {
		out.Organizations = append(out.Organizations, organizationJSON{orgRefJSON: orgRef(o.OrgRef),
			Type: v.label(domain.OrgTypes, o.Type), Website: o.Website, Verified: o.Verified})
	}
	return out
}

func (v *view) region(r domain.Region) regionJSON {
	return regionJSON{Code: r.Code, Name: r.Name, Kind: v.label(domain.RegionKinds, r.Kind), Country: r.Country}
}

func (v *view) content(c domain.Content) contentJSON {
	return v.contentHead(c.ID, c.Slug, c.Country, c.Localized)
}

// contentHead is the head of a content item or a guide, whose text is in l.Lang.
func (v *view) contentHead(id, slug, country string, l domain.Localized) contentJSON {
	v.uses(l.Lang)
	return contentJSON{ID: id, Slug: slug, Country: country, Lang: l.Lang, Langs: orEmpty(l.Langs), SourceLang: l.SourceLang}
}

func published(org domain.OrgRef, publishedAt *time.Time, updatedAt time.Time, asOf *time.Time) publishedJSON {
	return publishedJSON{Organization: orgRef(org), PublishedAt: utc(publishedAt), UpdatedAt: updatedAt.UTC(), AsOf: date(asOf)}
}

func (v *view) provenance(c domain.Content) provenanceJSON {
	out := provenanceJSON{Status: v.label(domain.Statuses, c.Status), Illustrative: c.Illustrative,
		publishedJSON: published(c.Organization, c.PublishedAt, c.UpdatedAt, c.AsOf)}
	if c.Illustrative {
		out.Example = &exampleJSON{Label: v.langs.Message(v.lang, "example.label", nil)}
	}
	return out
}

// text picks a localized text (facts' definitions and notes) in the interface language, else
// in English, else in any language it has; nil when it has none.
func (v *view) text(byLang map[string]string) *string {
	for _, lang := range []string{v.lang, "en"} {
		if t, ok := byLang[lang]; ok {
			v.uses(lang)
			return &t
		}
	}
	for _, lang := range sortedLangs(byLang) {
		t := byLang[lang]
		v.uses(lang)
		return &t
	}
	return nil
}

func sortedLangs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sourceRefs(list []domain.SourceRef) []sourceRefJSON {
	out := make([]sourceRefJSON, len(list))
	for i, s := range list {
		out[i] = sourceRefJSON{Title: s.Title, URL: s.URL, Publisher: nonEmpty(s.Publisher), Date: nonEmpty(s.Date),
			Supports: orEmpty(s.Supports)}
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (v *view) opportunity(o domain.Opportunity) opportunityJSON {
	out := opportunityJSON{
		contentJSON: v.content(o.Content), Title: o.Title, Summary: o.Summary,
		Sectors: v.labels(domain.Sectors, o.Sectors), Instrument: v.optionalLabel(domain.Instruments, o.Instrument),
		MinInvestment: v.money(o.MinInvestment), MaxInvestment: v.money(o.MaxInvestment), Jobs: o.Jobs, Deadline: date(o.Deadline),
		Closed:        domain.Closed(o.Deadline, v.today),
		InvestorTypes: v.labels(domain.InvestorTypes, o.InvestorTypes), provenanceJSON: v.provenance(o.Content),
	}
	if o.Region != nil {
		out.Region = &regionRefJSON{Code: o.Region.Code, Name: o.Region.Name}
	}
	return out
}

func (v *view) opportunityDetail(o *domain.Opportunity) opportunityDetailJSON {
	out := opportunityDetailJSON{opportunityJSON: v.opportunity(*o), Description: o.Description,
		Contact: contactJSON(o.Contact), Source: source(o.Source), Sources: sourceRefs(o.Sources)}
	out.Incentives = v.linked(o.Incentives, domain.IncentiveTypes)
	out.Programmes = v.linked(o.Programmes, domain.ProgrammeTypes)
	return out
}

func (v *view) linked(items []domain.LinkedItem, types domain.CodeSet) []linkedJSON {
	out := make([]linkedJSON, len(items))
	for i, it := range items {
		v.uses(it.Lang)
		out[i] = linkedJSON{ID: it.ID, Name: it.Name, Type: v.label(types, it.Type), Lang: it.Lang}
	}
	return out
}

func (v *view) eligibility(e domain.Eligibility) eligibilityJSON {
	out := eligibilityJSON{InvestorTypes: v.labels(domain.InvestorTypes, e.InvestorTypes),
		MinInvestment: v.money(e.MinInvestment), MaxInvestment: v.money(e.MaxInvestment),
		Sectors: v.labels(domain.Sectors, e.Sectors), Regions: make([]regionRefJSON, len(e.Regions)),
		MinJobs: e.MinJobs, ResidenceAbroad: e.ResidenceAbroad}
	for i, r := range e.Regions {
		out.Regions[i] = regionRefJSON(r)
	}
	return out
}

func (v *view) incentive(it domain.Incentive) incentiveJSON {
	out := incentiveJSON{
		contentJSON: v.content(it.Content), Type: v.label(domain.IncentiveTypes, it.Type), Name: it.Name,
		Summary:    it.Summary,
		LegalBasis: legalBasisJSON{Instrument: it.LegalInstrument, Article: it.LegalArticle, URL: it.LegalURL},
		ValidFrom:  date(it.ValidFrom), ValidUntil: date(it.ValidUntil),
		Benefits: make([]benefitJSON, len(it.Benefits)), Eligibility: v.eligibility(it.Eligibility),
		provenanceJSON: v.provenance(it.Content),
	}
	for i, b := range it.Benefits {
		out.Benefits[i] = benefitJSON{Kind: v.label(domain.BenefitKinds, b.Kind), Tax: v.optionalLabel(domain.Taxes, b.Tax),
			Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax, DurationYears: b.DurationYears, Amount: v.money(b.Amount),
			Rate: b.Rate, MinJobs: b.MinJobs, CarryForwardYears: b.CarryForwardYears, Unverified: b.Unverified}
	}
	return out
}

func (v *view) incentiveDetail(it *domain.Incentive) incentiveDetailJSON {
	return incentiveDetailJSON{incentiveJSON: v.incentive(*it), Description: it.Description, explainedJSON: explained(it.Content)}
}

func (v *view) programme(p domain.Programme) programmeJSON {
	return programmeJSON{
		contentJSON: v.content(p.Content), Type: v.label(domain.ProgrammeTypes, p.Type), Name: p.Name,
		Summary: p.Summary, Operator: orgRef(p.Operator), URL: p.URL, MaxAmount: v.money(p.MaxAmount),
		ValidFrom: date(p.ValidFrom), ValidUntil: date(p.ValidUntil), Eligibility: v.eligibility(p.Eligibility),
		provenanceJSON: v.provenance(p.Content),
	}
}

func (v *view) programmeDetail(p *domain.Programme) programmeDetailJSON {
	return programmeDetailJSON{programmeJSON: v.programme(*p), Description: p.Description, HowToApply: p.HowToApply,
		explainedJSON: explained(p.Content)}
}

// facets renders facet counts with their labels; regions carry their own names.
func (v *view) facets(f domain.Facets, types domain.CodeSet) map[string][]facetRow {
	if f == nil {
		return nil
	}
	out := make(map[string][]facetRow, len(f))
	for name, counts := range f {
		rows := make([]facetRow, len(counts))
		for i, c := range counts {
			label := c.Label
			switch name {
			case "sector":
				label = v.langs.Label(v.lang, domain.Sectors, c.Code)
			case "type":
				label = v.langs.Label(v.lang, types, c.Code)
			}
			rows[i] = facetRow{Code: c.Code, Label: label, Count: c.Count}
		}
		out[name] = rows
	}
	return out
}
