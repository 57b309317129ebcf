package editorial

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
	"github.com/diaspora-investor/marketplace/seed"
)

// Files of content (the bundled seed, and the country files of the import command) are
// checked field by field by the same checks as an agency's draft, before the store loads them.

// FileLanguages are the languages of locales/, matched exactly: the languages files of content
// are written in (an agency's edit goes through the API's matcher instead).
func FileLanguages() Languages {
	files, _ := fs.Glob(locales.FS, "*.yaml") // a valid pattern: no error
	codes := make([]string, len(files))
	for i, f := range files {
		codes[i] = strings.TrimSuffix(f, ".yaml")
	}
	return Languages{Codes: codes, Match: func(tag string) (string, bool) { return tag, slices.Contains(codes, tag) }}
}

// LoadSeed checks the seed content and loads it in one transaction (idempotent: rows are
// matched by code or slug).
func (s *Service) LoadSeed(ctx context.Context, c *seed.Content) error {
	if err := c.Check(time.Now()); err != nil {
		return fmt.Errorf("seed: refused: %w", err)
	}
	ref := newFileReference(c.Reference, c.Countries, nil)
	for _, f := range c.Countries {
		if err := s.checkFile(ctx, ref, f); err != nil {
			return fmt.Errorf("seed: refused: %s: %w", f.Name, err)
		}
	}
	return s.store.LoadSeed(ctx, c)
}

// Import checks a country file and loads it (unless dryRun), and reports what it changes or
// would change. Codes the file does not define are the database's.
func (s *Service) Import(ctx context.Context, f *seed.CountryFile, dryRun bool) ([]seed.Change, error) {
	if err := s.checkFile(ctx, newFileReference(seed.Reference{}, []seed.CountryFile{*f}, s.store), *f); err != nil {
		return nil, err
	}
	return s.store.ImportCountry(ctx, f, dryRun)
}

// checkFile checks every item of a country file.
func (s *Service) checkFile(ctx context.Context, ref reference, f seed.CountryFile) error {
	c := f.Country
	for _, it := range f.Incentives {
		if err := s.checkItem(ctx, ref, domain.KindIncentive, c, it.Item, incentiveChange(it), it.Text); err != nil {
			return fmt.Errorf("incentive %s: %w", it.Slug, err)
		}
	}
	for _, p := range f.Programmes {
		if err := s.checkItem(ctx, ref, domain.KindProgramme, c, p.Item, programmeChange(p), p.Text); err != nil {
			return fmt.Errorf("programme %s: %w", p.Slug, err)
		}
	}
	for _, o := range f.Opportunities {
		if err := s.checkItem(ctx, ref, domain.KindOpportunity, c, o.Item, opportunityChange(o), o.Text); err != nil {
			return fmt.Errorf("opportunity %s: %w", o.Slug, err)
		}
	}
	return nil
}

// checkItem checks an item as a draft in its source language, then its other languages as
// translations.
func (s *Service) checkItem(ctx context.Context, ref reference, kind domain.Kind, c seed.Country, it seed.Item,
	in domain.ContentChange, texts map[string]seed.Text) error {
	lang := it.SourceLang
	if lang == "" {
		lang = c.SourceLang
	}
	in.Country, in.Lang = domain.Some(c.Code), domain.Some(lang)
	text := textOf(kind, lang, texts[lang])
	in.Title, in.Summary, in.Description, in.HowToApply = text.Title, text.Summary, text.Description, text.HowToApply
	if _, err := s.checkWith(ctx, ref, kind, in, true, ""); err != nil {
		return err
	}
	langs := make([]string, 0, len(texts))
	for l := range texts {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		if _, ok := s.langs.Match(l); !ok {
			return fmt.Errorf("text %s: %w", l, invalidField("lang", "unsupported_language"))
		}
		if _, err := checkTranslation(kind, textOf(kind, l, texts[l])); err != nil {
			return fmt.Errorf("text %s: %w", l, err)
		}
	}
	return nil
}

func textOf(kind domain.Kind, lang string, t seed.Text) domain.TextChange {
	title := t.Name
	if kind == domain.KindOpportunity {
		title = t.Title
	}
	out := domain.TextChange{Lang: lang, Title: domain.Some(title), Summary: domain.Some(t.Summary), Description: domain.Some(t.Description)}
	if kind == domain.KindProgramme {
		out.HowToApply = domain.Some(t.HowToApply)
	}
	return out
}

// The fields of seed items, as changes.

func opportunityChange(o seed.Opportunity) domain.ContentChange {
	c := domain.ContentChange{Source: sourceOf(o.Item), Sectors: domain.Some(o.Sectors), Region: some(o.Region),
		Instrument: some(o.Instrument), MinInvestment: moneyOf(o.MinInvestment), MaxInvestment: moneyOf(o.MaxInvestment),
		Jobs: some(o.Jobs), Deadline: some(o.Deadline), InvestorTypes: list(o.InvestorTypes)}
	ct := o.Contact
	if ct.Name != nil || ct.Email != nil || ct.Phone != nil || ct.URL != nil {
		c.Contact = domain.Some(domain.Contact{Name: ct.Name, Email: ct.Email, Phone: ct.Phone, URL: ct.URL})
	}
	return c
}

func incentiveChange(it seed.Incentive) domain.ContentChange {
	c := domain.ContentChange{Source: sourceOf(it.Item), Type: domain.Some(it.Type),
		LegalInstrument: domain.Some(it.LegalBasis.Instrument), LegalArticle: some(it.LegalBasis.Article),
		LegalURL: some(it.LegalBasis.URL), ValidFrom: some(it.ValidFrom), ValidUntil: some(it.ValidUntil),
		Eligibility: criteriaOf(it.Eligibility)}
	if len(it.Benefits) > 0 {
		benefits := make([]domain.Benefit, len(it.Benefits))
		for i, b := range it.Benefits {
			benefits[i] = domain.Benefit{Kind: b.Kind, Tax: b.Tax, Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax,
				DurationYears: b.DurationYears}
			if b.Amount != nil {
				benefits[i].Amount = &domain.Money{Amount: b.Amount.Amount, Currency: b.Amount.Currency}
			}
		}
		c.Benefits = domain.Some(benefits)
	}
	return c
}

// programmeChange: the operator is named by slug, and found by the loader.
func programmeChange(p seed.Programme) domain.ContentChange {
	return domain.ContentChange{Source: sourceOf(p.Item), Type: domain.Some(p.Type), URL: some(p.URL),
		MaxAmount: moneyOf(p.MaxAmount), ValidFrom: some(p.ValidFrom), ValidUntil: some(p.ValidUntil),
		Eligibility: criteriaOf(p.Eligibility)}
}

func criteriaOf(e seed.Eligibility) domain.Opt[domain.CriteriaChange] {
	return domain.Some(domain.CriteriaChange{InvestorTypes: list(e.InvestorTypes), MinInvestment: moneyOf(e.MinInvestment),
		MaxInvestment: moneyOf(e.MaxInvestment), Sectors: list(e.Sectors), Regions: list(e.Regions), MinJobs: some(e.MinJobs),
		ResidenceAbroad: some(e.ResidenceAbroad)})
}

// sourceOf is the item's first source (the one lists show).
func sourceOf(it seed.Item) domain.Opt[domain.SourceLink] {
	sources := it.AllSources()
	if len(sources) == 0 {
		return domain.Opt[domain.SourceLink]{}
	}
	return domain.Some(domain.SourceLink{Title: sources[0].Title, URL: sources[0].URL})
}

func some[T any](p *T) domain.Opt[T] {
	if p == nil {
		return domain.Opt[T]{}
	}
	return domain.Some(*p)
}

func list(l []string) domain.Opt[[]string] {
	if l == nil {
		return domain.Opt[[]string]{}
	}
	return domain.Some(l)
}

func moneyOf(m *seed.Money) domain.Opt[domain.Money] {
	if m == nil {
		return domain.Opt[domain.Money]{}
	}
	return domain.Some(domain.Money{Amount: m.Amount, Currency: m.Currency})
}

// fileReference knows the countries, regions and currencies that content files define, and
// asks the database (when there is one) about the others.
type fileReference struct {
	fallback   reference
	countries  map[string]bool
	currencies map[string]bool
	regions    map[string]map[string]bool // country → region codes
}

func newFileReference(r seed.Reference, files []seed.CountryFile, fallback reference) *fileReference {
	ref := &fileReference{fallback: fallback, countries: map[string]bool{}, currencies: map[string]bool{"EUR": true},
		regions: map[string]map[string]bool{}}
	for _, x := range r.ExchangeRates {
		ref.currencies[x.Currency] = true
	}
	for _, f := range files {
		ref.countries[f.Country.Code] = true
		if len(f.Country.Regions) > 0 {
			ref.regions[f.Country.Code] = map[string]bool{}
		}
		for _, rg := range f.Country.Regions {
			ref.regions[f.Country.Code][rg.Code] = true
		}
	}
	return ref
}

func (r *fileReference) CountryExists(ctx context.Context, code string) (bool, error) {
	if r.countries[code] || r.fallback == nil {
		return r.countries[code], nil
	}
	return r.fallback.CountryExists(ctx, code)
}

func (r *fileReference) CurrencyConvertible(ctx context.Context, currency string) (bool, error) {
	if r.currencies[currency] || r.fallback == nil {
		return r.currencies[currency], nil
	}
	return r.fallback.CurrencyConvertible(ctx, currency)
}

func (r *fileReference) UnknownRegions(ctx context.Context, country string, codes []string) ([]string, error) {
	known, ok := r.regions[country]
	if !ok && r.fallback != nil {
		return r.fallback.UnknownRegions(ctx, country, codes)
	}
	var unknown []string
	for _, c := range codes {
		if !known[c] {
			unknown = append(unknown, c)
		}
	}
	return unknown, nil
}

// Organization: files name organizations by slug, and the loader finds them.
func (r *fileReference) Organization(context.Context, string) (*domain.OrgDetail, error) {
	return nil, domain.ErrNotFound
}
