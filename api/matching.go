package api

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/matching"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

// Eligibility matching (POST /v1/eligibility) and recommendations (GET /v1/me/recommendations).

type criterionJSON struct {
	Code    string `json:"code"`
	Detail  string `json:"detail"`
	Missing string `json:"missing,omitempty"`
}

type assessmentJSON struct {
	ID           string          `json:"id"`
	Kind         string          `json:"kind"`
	Type         coded           `json:"type"`
	Name         string          `json:"name"`
	Lang         string          `json:"lang"`
	Held         []criterionJSON `json:"held"`
	Failed       []criterionJSON `json:"failed"`
	Undetermined []criterionJSON `json:"undetermined"`
}

type eligibilityResultJSON struct {
	Country       string            `json:"country"`
	EvaluatedOn   string            `json:"evaluated_on"`
	Eligible      []assessmentJSON  `json:"eligible"`
	NotEligible   []assessmentJSON  `json:"not_eligible"`
	Undetermined  []assessmentJSON  `json:"undetermined"`
	Opportunities []opportunityJSON `json:"opportunities"`
}

// eligibilityInput is the situation a client describes: a matching.Plan with its JSON names.
type eligibilityInput struct {
	Country          string        `json:"country"`
	InvestorType     *string       `json:"investor_type"`
	ResidenceCountry *string       `json:"residence_country"`
	Sector           *string       `json:"sector"`
	Region           *string       `json:"region"`
	Amount           *domain.Money `json:"amount"`
	Jobs             *int          `json:"jobs"`
}

func (s *server) checkEligibility(c *fiber.Ctx) error {
	var in eligibilityInput
	if err := decodeBody(c, &in, "investor_type", "residence_country", "sector", "region", "amount", "jobs"); err != nil {
		return err
	}
	prefs := requestPrefs(c)
	res, err := s.matching.Check(c.UserContext(), matching.Plan(in), prefs)
	if err != nil {
		return writeError(err, "")
	}
	v := s.newView(prefs)
	sit := res.Situation
	if sit.AmountLow != nil && sit.AmountLow.Currency != "EUR" {
		v.showAmountsIn(sit.AmountLow.Currency, res.Rates)
	}
	out := eligibilityResultJSON{Country: sit.Country, EvaluatedOn: sit.Today.UTC().Format(time.DateOnly),
		Eligible: v.assessments(res.Eligible, res.Assessed), NotEligible: v.assessments(res.NotEligible, res.Assessed),
		Undetermined: v.assessments(res.Undetermined, res.Assessed), Opportunities: make([]opportunityJSON, len(res.Opportunities))}
	for i, o := range res.Opportunities {
		out.Opportunities[i] = v.opportunity(o)
	}
	s.publicRead(c, v)
	return s.sendJSON(c, out)
}

func (v *view) assessments(list []domain.Assessment, a matching.Assessed) []assessmentJSON {
	regions := a.Regions
	out := make([]assessmentJSON, len(list))
	for i, a := range list {
		v.uses(a.Lang)
		types := domain.IncentiveTypes
		kind := "incentive"
		if a.Kind == domain.KindProgramme {
			types, kind = domain.ProgrammeTypes, "programme"
		}
		j := assessmentJSON{ID: a.ID, Kind: kind, Type: v.label(types, a.Type), Name: a.Name, Lang: a.Lang,
			Held: []criterionJSON{}, Failed: []criterionJSON{}, Undetermined: []criterionJSON{}}
		for _, ch := range a.Checks {
			cj := criterionJSON{Code: ch.Criterion, Detail: v.explain(ch, regions), Missing: ch.Missing}
			switch ch.Outcome {
			case domain.Held:
				j.Held = append(j.Held, cj)
			case domain.Failed:
				j.Failed = append(j.Failed, cj)
			default:
				j.Undetermined = append(j.Undetermined, cj)
			}
		}
		out[i] = j
	}
	return out
}

// explain puts a check in words, in the view's language.
func (v *view) explain(ch domain.Check, regions map[string]string) string {
	return v.explanation(locales.ExplainCheck(ch, regions, explanationWords{v}))
}

// explanationWords are the API's words for an explanation: labels and country names in the
// view's language, amounts by formatMoney and dates as YYYY-MM-DD.
type explanationWords struct{ v *view }

func (w explanationWords) Label(set domain.CodeSet, code string) string {
	return w.v.langs.Label(w.v.lang, set, code)
}

func (w explanationWords) CountryName(code string) string {
	return locales.CountryName(w.v.lang, code)
}

func (w explanationWords) Money(amount, currency string) string {
	return formatMoney(w.v.lang, amount, currency)
}

func (w explanationWords) Date(t *time.Time) string { return t.Format(time.DateOnly) }

// maxExplanations bounds Languages.explained: most checks of an answer, and of the answers
// that follow, repeat one another ("Only for the diaspora"), and rendering a message's
// template was a third of an eligibility answer's time.
const maxExplanations = 4096

// explanation renders message id with data (strings and numbers only) in the view's language.
// The kept text's key is the language, the id and every datum by name, so whatever data
// locales.ExplainCheck gives, two different explanations never share a key.
func (v *view) explanation(id string, data map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s", v.lang, id)
	for _, name := range slices.Sorted(maps.Keys(data)) {
		fmt.Fprintf(&b, "\x00%s=%v", name, data[name])
	}
	key := b.String()
	kept := &v.langs.explained
	kept.Lock()
	text, ok := kept.byKey[key]
	kept.Unlock()
	if ok {
		return text
	}
	text = v.langs.Message(v.lang, id, data)
	kept.Lock()
	if kept.byKey == nil || len(kept.byKey) >= maxExplanations {
		kept.byKey = map[string]string{}
	}
	kept.byKey[key] = text
	kept.Unlock()
	return text
}

// formatMoney writes an amount in an explanation: thousands grouped and the decimal mark of
// the language (1,500,000.00 EUR in English; 1 500 000,00 EUR in Portuguese and French). Unlike
// the site's pages, it keeps the fraction as the amount has it and a plain space before the
// currency: clients read these texts as the contract's examples show them.
func formatMoney(lang, amount, currency string) string {
	whole, frac, mark := locales.GroupDigits(lang, amount)
	if frac != "" {
		whole += mark + frac
	}
	return whole + " " + currency
}

type recommendedJSON struct {
	Score       float64         `json:"score"`
	Reasons     []coded         `json:"reasons"`
	Opportunity opportunityJSON `json:"opportunity"`
}

type recommendationsJSON struct {
	Opportunities []recommendedJSON `json:"opportunities"`
	Eligible      []assessmentJSON  `json:"eligible"`
	Undetermined  []assessmentJSON  `json:"undetermined"`
}

// recommendations ranks opportunities for the signed-in investor's profile and lists the
// incentives and programmes of their origin country that the profile is eligible for (or might
// be, with the facts it lacks).
func (s *server) recommendations(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	q := &queryParams{c: c}
	limit := q.limit()
	currency := s.displayCurrency(q)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	prefs := requestPrefs(c)
	recs, err := s.matching.Recommend(c.UserContext(), user.ID, limit, prefs)
	if err != nil {
		return err
	}
	v := s.newView(prefs)
	if err := s.showAmounts(c, v, currency); err != nil {
		return err
	}
	out := recommendationsJSON{Opportunities: make([]recommendedJSON, len(recs.Opportunities)),
		Eligible: v.assessments(recs.Assessed.Eligible, recs.Assessed), Undetermined: v.assessments(recs.Assessed.Undetermined, recs.Assessed)}
	for i, r := range recs.Opportunities {
		out.Opportunities[i] = recommendedJSON{Score: math.Round(r.Score*1000) / 1000,
			Reasons: v.labels(domain.RecommendationReasons, r.Reasons), Opportunity: v.opportunity(r.Opportunity)}
	}
	return s.sendPrivate(c, v, out)
}
