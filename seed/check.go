package seed

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// Check refuses seed content that would mislead a reader (DESIGN.md, "Provenance and truth"):
//   - an item or fact without a source (title and URL) or without as_of, the date it was last
//     checked against its sources;
//   - an illustrative item outside the example organization, a real item inside it, or an
//     example organization marked verified;
//   - a published item that is not an example but gives an example.org contact;
//   - a disputed fact shown as settled: two facts of the same metric, place and year with
//     different values, a fact the research lists as disputed (KnownConflicts) with one value,
//     or alternatives that are fewer than two;
//   - an opportunity linked to an incentive or programme it cannot get: the item's conditions
//     (domain.Assess) fail for every investor type the opportunity is open to, or two linked
//     incentives cannot be combined.
//
// Every problem is listed, not only the first. today decides validity dates.
func (c *Content) Check(today time.Time) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	examples := map[string]bool{}
	orgs := map[string]Organization{}
	for _, o := range c.Reference.Organizations {
		orgs[o.Slug] = o
	}
	for _, f := range c.Countries {
		for _, o := range f.Organizations {
			orgs[o.Slug] = o
		}
	}
	for slug, o := range orgs {
		checkContacts(o, fail)
		if o.Example {
			examples[slug] = true
			if o.Verified {
				fail("organization %s: an example organization cannot be verified", slug)
			}
		}
	}
	rates := domain.Rates{}
	for _, x := range c.Reference.ExchangeRates {
		if prev, ok := rates[x.Currency]; !ok || prev.AsOf.Format(time.DateOnly) < x.AsOf {
			asOf, _ := time.Parse(time.DateOnly, x.AsOf)
			rates[x.Currency] = domain.Rate{Currency: x.Currency, PerEUR: x.PerEUR, AsOf: asOf}
		}
	}
	rates["EUR"] = domain.Rate{Currency: "EUR", PerEUR: "1"}

	for _, f := range c.Countries {
		where := f.Name
		checkFacts(f, fail)
		item := func(kind string, it Item) {
			name := fmt.Sprintf("%s: %s %s", where, kind, it.Slug)
			checkProvenance(name, it.AllSources(), it.AsOf, fail)
			if it.Illustrative != examples[it.Organization] {
				if it.Illustrative {
					fail("%s: illustrative, so it must belong to the example organization, not %s", name, it.Organization)
				} else {
					fail("%s: not illustrative, so it cannot belong to the example organization %s", name, it.Organization)
				}
			}
		}
		incentives := map[string]Incentive{}
		programmes := map[string]Programme{}
		for _, it := range f.Incentives {
			item("incentive", it.Item)
			incentives[it.Slug] = it
		}
		for _, p := range f.Programmes {
			item("programme", p.Item)
			programmes[p.Slug] = p
		}
		for _, o := range f.Opportunities {
			item("opportunity", o.Item)
			name := fmt.Sprintf("%s: opportunity %s", where, o.Slug)
			if !o.Illustrative && o.Status == "published" && o.Contact.Email != nil && isExampleDomain(*o.Contact.Email) {
				fail("%s: a real published item cannot give the example contact %s", name, *o.Contact.Email)
			}
			for _, slug := range o.Incentives {
				it, ok := incentives[slug]
				if !ok {
					continue // an unknown slug is the database's to refuse (foreign key)
				}
				if reason := unreachable(f.Country.Code, o, it.Eligibility, it.Validity, rates, today); reason != "" {
					fail("%s: linked incentive %s cannot apply to it: %s", name, slug, reason)
				}
				for _, other := range it.NotCombinableWith {
					if slices.Contains(o.Incentives, other) {
						fail("%s: links %s and %s, which cannot be combined", name, slug, other)
					}
				}
			}
			for _, slug := range o.Programmes {
				p, ok := programmes[slug]
				if !ok {
					continue
				}
				if reason := unreachable(f.Country.Code, o, p.Eligibility, p.Validity, rates, today); reason != "" {
					fail("%s: linked programme %s cannot apply to it: %s", name, slug, reason)
				}
			}
		}
		checkGuides(f, examples, incentives, programmes, fail)
	}
	return errors.Join(errs...)
}

// KnownConflicts are the facts the research found disputed (cabo-verde-facts.md, "Conflicts
// and uncertainties"), by country and metric: they must keep their alternatives.
var KnownConflicts = map[string][]string{
	"CV": {"diaspora_size", "remittances_gdp_share"},
}

func checkFacts(f CountryFile, fail func(string, ...any)) {
	type key struct {
		metric, place string
		year          int
	}
	seen := map[key]string{}
	for i, fact := range f.Country.Facts {
		name := fmt.Sprintf("%s: fact %d (%s)", f.Name, i+1, fact.Metric)
		if fact.AsOf == "" {
			fail("%s: no as_of", name)
		} else if _, err := time.Parse(time.DateOnly, fact.AsOf); err != nil {
			fail("%s: as_of %q is not a date", name, fact.AsOf)
		}
		disputed := slices.Contains(KnownConflicts[f.Country.Code], fact.Metric)
		switch {
		case len(fact.Alternatives) == 1:
			fail("%s: a single alternative is no dispute: give its value instead, or every figure the sources give", name)
		case len(fact.Alternatives) >= 2:
			if fact.Value != nil || fact.Year != nil {
				fail("%s: a disputed fact has no value or year of its own, only its alternatives", name)
			}
			for j, alt := range fact.Alternatives {
				altName := fmt.Sprintf("%s, alternative %d", name, j+1)
				checkProvenance(altName, alt.Sources, fact.AsOf, fail)
				if len(alt.Definition) == 0 {
					fail("%s: say what it counts (definition)", altName)
				}
			}
		case disputed:
			fail("%s: disputed in the research, so it must keep its alternatives side by side", name)
		default:
			if fact.Value == nil || fact.Year == nil {
				fail("%s: a settled fact needs a value and a year", name)
			}
			checkProvenance(name, fact.AllSources(), fact.AsOf, fail)
		}
		if fact.Value != nil && fact.Year != nil {
			place := ""
			if fact.ResidenceCountry != nil {
				place = *fact.ResidenceCountry
			}
			if fact.Municipality != nil {
				place += "/" + *fact.Municipality
			}
			k := key{fact.Metric, place, *fact.Year}
			if prev, ok := seen[k]; ok && prev != *fact.Value {
				fail("%s: %s and %s for the same year: a conflict must be one fact with its alternatives", name, prev, *fact.Value)
			}
			seen[k] = *fact.Value
		}
	}
}

var sourceDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

func checkProvenance(name string, sources []Source, asOf string, fail func(string, ...any)) {
	if len(sources) == 0 {
		fail("%s: no source", name)
	}
	for _, s := range sources {
		if s.Title == "" || !strings.HasPrefix(s.URL, "http") {
			fail("%s: a source needs a title and a URL", name)
		}
		if s.Date != "" && !sourceDate.MatchString(s.Date) {
			fail("%s: source date %q is not YYYY, YYYY-MM or YYYY-MM-DD", name, s.Date)
		}
	}
	if asOf == "" {
		fail("%s: no as_of (the date it was last checked against its sources)", name)
	} else if _, err := time.Parse(time.DateOnly, asOf); err != nil {
		fail("%s: as_of %q is not a date", name, asOf)
	}
}

func isExampleDomain(email string) bool {
	at := strings.LastIndexByte(email, '@')
	host := strings.ToLower(email[at+1:])
	for _, d := range []string{"example.org", "example.com", "example.net"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// unreachable says why an incentive or programme with these conditions cannot apply to the
// opportunity ("" when it can): its conditions, assessed with the domain's eligibility rules
// on the opportunity's own facts (sectors, region, jobs, and each end of its investment range:
// the link must hold for the smallest project as for the largest), fail for every investor
// type the opportunity is open to. An investor type other than national lives abroad. A
// condition the opportunity says nothing about is no failure.
func unreachable(country string, o Opportunity, e Eligibility, v Validity, rates domain.Rates, today time.Time) string {
	cand := domain.Candidate{Eligibility: domain.Eligibility{
		InvestorTypes: e.InvestorTypes, Sectors: e.Sectors, MinJobs: e.MinJobs, ResidenceAbroad: e.ResidenceAbroad,
		MinInvestment: money(e.MinInvestment), MaxInvestment: money(e.MaxInvestment),
	}}
	for _, r := range e.Regions {
		cand.Eligibility.Regions = append(cand.Eligibility.Regions, domain.RegionRef{Code: r})
	}
	cand.ValidFrom, cand.ValidUntil = day(v.ValidFrom), day(v.ValidUntil)
	types := o.InvestorTypes
	if len(types) == 0 {
		types = []string{"diaspora", "foreign", "national"}
	}
	var reasons []string
	for _, amount := range []*Money{o.MinInvestment, o.MaxInvestment} {
		situation := domain.Situation{Country: country, Sectors: o.Sectors, AmountLow: money(amount),
			AmountHigh: money(amount), Jobs: o.Jobs, Today: today}
		if o.Region != nil {
			situation.Regions = []string{*o.Region}
		}
		if why := failsForAll(cand, situation, types, rates); why != nil {
			for _, r := range why {
				if !slices.Contains(reasons, r) {
					reasons = append(reasons, r)
				}
			}
		}
	}
	if len(reasons) == 0 {
		return ""
	}
	return "fails " + strings.Join(reasons, ", ")
}

// failsForAll lists the failed criteria when c fails for every investor type (nil when one
// type is eligible or undetermined).
func failsForAll(cand domain.Candidate, situation domain.Situation, types []string, rates domain.Rates) []string {
	var reasons []string
	country := situation.Country
	for _, t := range types {
		situation.InvestorType, situation.ResidenceCountry = t, "XX" // abroad
		if t == "national" {
			situation.ResidenceCountry = country
		}
		a := domain.Assess(cand, situation, rates)
		if a.Verdict != domain.NotEligible {
			return nil
		}
		for _, ch := range a.Checks {
			if ch.Outcome == domain.Failed && !slices.Contains(reasons, ch.Criterion) {
				reasons = append(reasons, ch.Criterion)
			}
		}
	}
	return reasons
}

func money(m *Money) *domain.Money {
	if m == nil {
		return nil
	}
	return &domain.Money{Amount: m.Amount, Currency: m.Currency}
}

func day(s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return nil
	}
	return &t
}
