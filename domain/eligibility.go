package domain

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Criteria are the conditions of an incentive or programme that eligibility checks, by their
// stable codes. residence_abroad asks that the investor live outside the country (emigrant
// status); residence_in_country that they live in it.
var Criteria = CodeSet{"criterion", []string{"investor_type", "residence_abroad", "residence_in_country",
	"sector", "region", "min_investment", "max_investment", "min_jobs", "valid_from", "valid_until"}}

// Outcome is what a criterion says about a situation.
type Outcome string

// The outcomes of a criterion.
const (
	Held         Outcome = "held"
	Failed       Outcome = "failed"
	Undetermined Outcome = "undetermined" // the situation lacks a fact the criterion needs
)

// Verdict is what all the criteria of an item say together: eligible when every one held, not
// eligible when any failed, undetermined when none failed but some lacked a fact.
type Verdict string

// The verdicts.
const (
	Eligible    Verdict = "eligible"
	NotEligible Verdict = "not_eligible"
	Unknown     Verdict = "undetermined"
)

// Situation is what an investor says about their plan (POST /v1/eligibility) or what their
// profile says (recommendations). Empty fields are facts not given: a criterion that needs one
// is undetermined, never guessed.
type Situation struct {
	Country          string // the origin country, where the investment is made
	InvestorType     string
	ResidenceCountry string
	Sectors          []string // a plan has one; a profile may follow several (any may hold)
	Regions          []string
	// AmountLow and AmountHigh are the planned amount (both the same) or a ticket range (either
	// may be missing).
	AmountLow, AmountHigh *Money
	Jobs                  *int
	Today                 time.Time
}

// Candidate is an incentive or programme with its conditions.
type Candidate struct {
	Kind        Kind
	ID          string
	Name        string
	Lang        string
	Type        string
	Eligibility Eligibility
	ValidFrom   *time.Time
	ValidUntil  *time.Time
}

// Check is the outcome of one criterion, with what its explanation needs.
type Check struct {
	Criterion string
	Outcome   Outcome
	Missing   string      // the situation's field an undetermined criterion needs
	Allowed   []string    // investor types or sectors allowed
	Regions   []RegionRef // regions allowed
	Value     string      // the situation's investor type, sector, region or residence country
	Limit     *Money      // the minimum or maximum investment
	Amount    *Money      // the situation's amount, as given
	InLimit   string      // the situation's amount in the limit's currency ("" if unknown)
	MinJobs   int
	Jobs      int
	Date      *time.Time
}

// Assessment is the verdict on one candidate and the check of each of its criteria, in the
// order of Criteria.
type Assessment struct {
	Candidate
	Verdict Verdict
	Checks  []Check
}

// Assess checks every condition of c against s. Amounts are compared in euros at rates.
func Assess(c Candidate, s Situation, rates Rates) Assessment {
	e := c.Eligibility
	var checks []Check
	add := func(ch Check) { checks = append(checks, ch) }

	if len(e.InvestorTypes) > 0 {
		ch := Check{Criterion: "investor_type", Allowed: e.InvestorTypes, Value: s.InvestorType}
		switch {
		case s.InvestorType == "":
			ch.Outcome, ch.Missing = Undetermined, "investor_type"
		case slices.Contains(e.InvestorTypes, s.InvestorType):
			ch.Outcome = Held
		default:
			ch.Outcome = Failed
		}
		add(ch)
	}
	if e.ResidenceAbroad != nil {
		ch := Check{Criterion: "residence_abroad", Value: s.ResidenceCountry}
		if !*e.ResidenceAbroad {
			ch.Criterion = "residence_in_country"
		}
		switch {
		case s.ResidenceCountry == "":
			ch.Outcome, ch.Missing = Undetermined, "residence_country"
		case (s.ResidenceCountry != s.Country) == *e.ResidenceAbroad:
			ch.Outcome = Held
		default:
			ch.Outcome = Failed
		}
		add(ch)
	}
	if len(e.Sectors) > 0 {
		ch := Check{Criterion: "sector", Allowed: e.Sectors}
		oneAllowed(&ch, "sector", s.Sectors, func(sector string) bool { return slices.Contains(e.Sectors, sector) })
		add(ch)
	}
	if len(e.Regions) > 0 {
		ch := Check{Criterion: "region", Regions: e.Regions}
		oneAllowed(&ch, "region", s.Regions, func(region string) bool {
			return slices.ContainsFunc(e.Regions, func(r RegionRef) bool { return r.Code == region })
		})
		add(ch)
	}
	if e.MinInvestment != nil {
		// The most the investor may put in decides whether the minimum can be reached.
		add(amountCheck("min_investment", e.MinInvestment, first(s.AmountHigh, s.AmountLow), rates,
			func(amount, limit *big.Rat) bool { return amount.Cmp(limit) >= 0 }))
	}
	if e.MaxInvestment != nil {
		add(amountCheck("max_investment", e.MaxInvestment, first(s.AmountLow, s.AmountHigh), rates,
			func(amount, limit *big.Rat) bool { return amount.Cmp(limit) <= 0 }))
	}
	if e.MinJobs != nil && *e.MinJobs > 0 {
		ch := Check{Criterion: "min_jobs", MinJobs: *e.MinJobs}
		switch {
		case s.Jobs == nil:
			ch.Outcome, ch.Missing = Undetermined, "jobs"
		case *s.Jobs >= *e.MinJobs:
			ch.Outcome, ch.Jobs = Held, *s.Jobs
		default:
			ch.Outcome, ch.Jobs = Failed, *s.Jobs
		}
		add(ch)
	}
	today := s.Today.UTC().Truncate(24 * time.Hour)
	if c.ValidFrom != nil {
		ch := Check{Criterion: "valid_from", Date: c.ValidFrom, Outcome: Held}
		if c.ValidFrom.After(today) {
			ch.Outcome = Failed
		}
		add(ch)
	}
	if c.ValidUntil != nil {
		ch := Check{Criterion: "valid_until", Date: c.ValidUntil, Outcome: Held}
		if c.ValidUntil.Before(today) {
			ch.Outcome = Failed
		}
		add(ch)
	}

	a := Assessment{Candidate: c, Verdict: Eligible, Checks: checks}
	for _, ch := range checks {
		if ch.Outcome == Failed {
			a.Verdict = NotEligible
			break
		}
		if ch.Outcome == Undetermined {
			a.Verdict = Unknown
		}
	}
	return a
}

// amountCheck compares the situation's amount with a limit, both in euros.
func amountCheck(criterion string, limit, amount *Money, rates Rates, holds func(amount, limit *big.Rat) bool) Check {
	ch := Check{Criterion: criterion, Limit: limit, Amount: amount}
	if amount == nil {
		ch.Outcome, ch.Missing = Undetermined, "amount"
		return ch
	}
	if c, ok := rates.Convert(*amount, limit.Currency); ok {
		ch.InLimit = c.Amount
	}
	a, l := rates.InEUR(*amount), rates.InEUR(*limit)
	switch {
	case a == nil || l == nil:
		// A currency without a rate cannot be compared: say so rather than guess.
		ch.Outcome, ch.Missing = Undetermined, "exchange_rate"
	case holds(a, l):
		ch.Outcome = Held
	default:
		ch.Outcome = Failed
	}
	return ch
}

func first(ms ...*Money) *Money {
	for _, m := range ms {
		if m != nil {
			return m
		}
	}
	return nil
}

// AssessAll assesses every candidate and sorts them by verdict, keeping their order within each.
func AssessAll(cs []Candidate, s Situation, rates Rates) (eligible, notEligible, undetermined []Assessment) {
	eligible, notEligible, undetermined = []Assessment{}, []Assessment{}, []Assessment{}
	for _, c := range cs {
		a := Assess(c, s, rates)
		switch a.Verdict {
		case Eligible:
			eligible = append(eligible, a)
		case NotEligible:
			notEligible = append(notEligible, a)
		default:
			undetermined = append(undetermined, a)
		}
	}
	return eligible, notEligible, undetermined
}

// RankWeights are the weights of a recommended opportunity's score (0–1): how well it matches
// the profile's sectors, regions and ticket, and how fresh it is. A part the profile says
// nothing about counts half. They sum to 1.
var RankWeights = struct {
	Sector, Region, Ticket, Freshness float64
	// FreshnessHalfLife is the age at which an opportunity's freshness is one half.
	FreshnessHalfLifeDays float64
}{Sector: 0.4, Region: 0.25, Ticket: 0.2, Freshness: 0.15, FreshnessHalfLifeDays: 90}

// RecommendationReasons are the codes that say why an opportunity is recommended.
var RecommendationReasons = CodeSet{"recommendation_reason", []string{"sector", "region", "ticket", "fresh"}}

// RecommendInput is what recommendations rank by: the investor's profile.
type RecommendInput struct {
	Country      string // "" for every country
	InvestorType string
	Sectors      []string
	Regions      []string
	TicketMin    *Money
	TicketMax    *Money
	Langs        []string
	Limit        int
}

// Recommendation is an opportunity with its score and what it matched.
type Recommendation struct {
	Opportunity Opportunity
	Score       float64
	Reasons     []string // codes of RecommendationReasons
}

// CountryOfTheWorld accepts any ISO 3166-1 alpha-2 country of the world (people live
// everywhere, not only in the catalogue's countries) and returns it upper-cased.
func CountryOfTheWorld(s string) (string, bool) {
	region, err := language.ParseRegion(s)
	code := strings.ToUpper(s)
	return code, err == nil && region.IsCountry() && IsCountryCode(code) && region.String() == code
}

// oneAllowed decides a criterion that one of the subject's values must meet: held with the first
// value allowed, failed with the first value when none is, undetermined (missing) when the
// subject gave none.
func oneAllowed(ch *Check, missing string, values []string, allowed func(string) bool) {
	if len(values) == 0 {
		ch.Outcome, ch.Missing = Undetermined, missing
		return
	}
	ch.Outcome, ch.Value = Failed, values[0]
	for _, v := range values {
		if allowed(v) {
			ch.Outcome, ch.Value = Held, v
			return
		}
	}
}
