package api

import (
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
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

// maxMatchedOpportunities is how many fitting opportunities an eligibility answer lists.
const maxMatchedOpportunities = 20

// eligibilityInput is the situation a client describes.
type eligibilityInput struct {
	Country          string      `json:"country"`
	InvestorType     *string     `json:"investor_type"`
	ResidenceCountry *string     `json:"residence_country"`
	Sector           *string     `json:"sector"`
	Region           *string     `json:"region"`
	Amount           *moneyInput `json:"amount"`
	Jobs             *int        `json:"jobs"`
}

// situation checks the input and turns it into a domain situation; every invalid field is
// reported at once.
func (s *server) situation(c *fiber.Ctx, in eligibilityInput) (domain.Situation, error) {
	ctx := c.UserContext()
	var v invalid
	sit := domain.Situation{Today: time.Now()}
	if in.Country == "" {
		v.add("country", "body", "required", nil)
	} else {
		code, err := s.knownCountry(ctx, in.Country)
		if err != nil {
			return sit, err
		}
		if code == "" {
			v.add("country", "body", "unknown_country", map[string]any{"Value": truncate(in.Country)})
		}
		sit.Country = code
	}
	if in.InvestorType != nil {
		if domain.InvestorTypes.Has(*in.InvestorType) {
			sit.InvestorType = *in.InvestorType
		} else {
			v.add("investor_type", "body", "unknown_code", map[string]any{"Value": truncate(*in.InvestorType), "Allowed": strings.Join(domain.InvestorTypes.Codes, ", ")})
		}
	}
	if in.ResidenceCountry != nil {
		if code, ok := worldCountry(*in.ResidenceCountry); ok {
			sit.ResidenceCountry = code
		} else {
			v.add("residence_country", "body", "unknown_country", map[string]any{"Value": truncate(*in.ResidenceCountry)})
		}
	}
	if in.Sector != nil {
		if domain.Sectors.Has(*in.Sector) {
			sit.Sectors = []string{*in.Sector}
		} else {
			v.add("sector", "body", "unknown_code", map[string]any{"Value": truncate(*in.Sector), "Allowed": strings.Join(domain.Sectors.Codes, ", ")})
		}
	}
	if in.Region != nil {
		ok := codePattern.MatchString(*in.Region) && sit.Country != ""
		if ok {
			var err error
			if ok, err = s.store.RegionExists(ctx, sit.Country, *in.Region); err != nil {
				return sit, err
			}
		}
		if ok {
			sit.Regions = []string{*in.Region}
		} else {
			v.add("region", "body", "unknown_region", map[string]any{"Value": truncate(*in.Region)})
		}
	}
	if in.Amount != nil {
		amount, err := domain.ParseAmount(in.Amount.Amount)
		if err != nil {
			v.add("amount", "body", "invalid_amount", nil)
		}
		cur, err := s.knownCurrency(ctx, in.Amount.Currency)
		if err != nil {
			return sit, err
		}
		if cur == "" {
			v.add("amount", "body", "invalid_currency", map[string]any{"Value": truncate(in.Amount.Currency)})
		}
		if amount != "" && cur != "" {
			m := &domain.Money{Amount: amount, Currency: cur}
			sit.AmountLow, sit.AmountHigh = m, m
		}
	}
	if in.Jobs != nil {
		if *in.Jobs < 0 {
			v.add("jobs", "body", "negative_number", nil)
		} else {
			sit.Jobs = in.Jobs
		}
	}
	return sit, v.err("invalid-body")
}

// worldCountry accepts any ISO 3166-1 alpha-2 country of the world (people live everywhere,
// not only in the catalogue's countries), upper-cased.
func worldCountry(s string) (string, bool) {
	region, err := language.ParseRegion(s)
	code := strings.ToUpper(s)
	return code, err == nil && region.IsCountry() && countryPattern.MatchString(code) && region.String() == code
}

func (s *server) checkEligibility(c *fiber.Ctx) error {
	var in eligibilityInput
	if err := decodeBody(c, &in, "investor_type", "residence_country", "sector", "region", "amount", "jobs"); err != nil {
		return err
	}
	sit, err := s.situation(c, in)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	prefs := requestPrefs(c)
	rates, candidates, regions, err := s.assessmentInputs(c, sit.Country, prefs)
	if err != nil {
		return err
	}
	f := domain.ListFilter{Country: sit.Country, Sectors: sit.Sectors, InvestorType: sit.InvestorType,
		Langs: prefs, Limit: maxMatchedOpportunities, Currency: "EUR"}
	if len(sit.Regions) > 0 {
		f.Region = sit.Regions[0]
	}
	if sit.AmountLow != nil {
		f.MinAmount, f.MaxAmount, f.Currency = sit.AmountLow.Amount, sit.AmountLow.Amount, sit.AmountLow.Currency
	}
	page, err := s.store.Opportunities(ctx, f)
	if err != nil {
		return err
	}

	v := s.newView(prefs)
	if sit.AmountLow != nil && sit.AmountLow.Currency != "EUR" {
		v.showAmountsIn(sit.AmountLow.Currency, rates)
	}
	eligible, notEligible, undetermined := domain.AssessAll(candidates, sit, rates)
	out := eligibilityResultJSON{Country: sit.Country, EvaluatedOn: sit.Today.UTC().Format(time.DateOnly),
		Eligible: v.assessments(eligible, sit, regions), NotEligible: v.assessments(notEligible, sit, regions),
		Undetermined: v.assessments(undetermined, sit, regions), Opportunities: make([]opportunityJSON, len(page.Items))}
	for i, o := range page.Items {
		out.Opportunities[i] = v.opportunity(o)
	}
	s.publicRead(c, v)
	return s.sendJSON(c, out)
}

// assessmentInputs reads what assessing a country's incentives and programmes needs: the rates
// in use, the candidates (in the reader's languages) and the names of the country's regions.
func (s *server) assessmentInputs(c *fiber.Ctx, country string, prefs []string) (domain.Rates, []domain.Candidate, map[string]string, error) {
	rates, err := s.store.Rates(c.UserContext())
	if err != nil {
		return nil, nil, nil, err
	}
	candidates, err := s.store.EligibilityCandidates(c.UserContext(), country, prefs)
	if err != nil {
		return nil, nil, nil, err
	}
	regions, err := s.regionNames(c, country)
	return rates, candidates, regions, err
}

// regionNames names the regions of a country, for explanations (one query).
func (s *server) regionNames(c *fiber.Ctx, country string) (map[string]string, error) {
	out := map[string]string{}
	if country == "" {
		return out, nil
	}
	regions, err := s.store.Regions(c.UserContext(), country)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		out[r.Code] = r.Name
	}
	return out, nil
}

func (v *view) assessments(list []domain.Assessment, sit domain.Situation, regions map[string]string) []assessmentJSON {
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
			cj := criterionJSON{Code: ch.Criterion, Detail: v.explain(ch, sit, regions), Missing: ch.Missing}
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
func (v *view) explain(ch domain.Check, sit domain.Situation, regions map[string]string) string {
	data := map[string]any{}
	switch ch.Criterion {
	case "investor_type":
		data["Allowed"] = v.labelList(domain.InvestorTypes, ch.Allowed)
		data["Value"] = v.langs.Label(v.lang, domain.InvestorTypes, ch.Value)
	case "residence_abroad", "residence_in_country":
		data["Country"] = countryName(v.lang, ch.Value)
	case "sector":
		data["Allowed"] = v.labelList(domain.Sectors, ch.Allowed)
		data["Value"] = v.langs.Label(v.lang, domain.Sectors, ch.Value)
	case "region":
		names := make([]string, len(ch.Regions))
		for i, r := range ch.Regions {
			names[i] = r.Name
		}
		data["Allowed"] = strings.Join(names, ", ")
		data["Value"] = ch.Value
		if name, ok := regions[ch.Value]; ok {
			data["Value"] = name
		}
	case "min_investment", "max_investment":
		data["Limit"] = formatMoney(v.lang, ch.Limit.Amount, ch.Limit.Currency)
		if ch.Amount != nil {
			amount := formatMoney(v.lang, ch.Amount.Amount, ch.Amount.Currency)
			if ch.InLimit != "" && ch.Amount.Currency != ch.Limit.Currency {
				amount += " (" + formatMoney(v.lang, ch.InLimit, ch.Limit.Currency) + ")"
			}
			data["Amount"] = amount
		}
		if ch.Missing == "exchange_rate" {
			return v.langs.Message(v.lang, "criterion.no_rate", map[string]any{"Limit": data["Limit"]})
		}
	case "min_jobs":
		data["Min"], data["Jobs"] = ch.MinJobs, ch.Jobs
	case "valid_from", "valid_until":
		data["Date"] = ch.Date.Format(time.DateOnly)
	}
	return v.langs.Message(v.lang, "criterion."+ch.Criterion+"."+string(ch.Outcome), data)
}

// countryName names a country of the world in lang (CLDR names: "France", "França"), or
// gives its code when there is no name.
func countryName(lang, code string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(language.Make(lang)).Name(region); name != "" {
		return name
	}
	return code
}

func (v *view) labelList(set domain.CodeSet, codes []string) string {
	labels := make([]string, len(codes))
	for i, c := range codes {
		labels[i] = v.langs.Label(v.lang, set, c)
	}
	return strings.Join(labels, ", ")
}

// formatMoney writes an amount for people: thousands grouped and the decimal mark of the
// language (1,500,000.00 EUR in English; 1 500 000,00 EUR in Portuguese and French).
func formatMoney(lang, amount, currency string) string {
	whole, frac, _ := strings.Cut(amount, ".")
	group, mark := ",", "."
	if lang != "en" {
		group, mark = "\u00a0", ","
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(mark + frac)
	}
	return b.String() + " " + currency
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
	ctx := c.UserContext()
	p, err := s.store.Profile(ctx, user.ID)
	if err != nil {
		return err
	}
	prefs := requestPrefs(c)
	in := repository.RecommendInput{Sectors: p.Sectors, TicketMin: p.TicketMin, TicketMax: p.TicketMax, Langs: prefs, Limit: limit}
	sit := domain.Situation{Sectors: p.Sectors, AmountLow: p.TicketMin, AmountHigh: p.TicketMax, Today: time.Now()}
	if p.OriginCountry != nil {
		in.Country, sit.Country = *p.OriginCountry, *p.OriginCountry
	}
	if p.InvestorType != nil {
		in.InvestorType, sit.InvestorType = *p.InvestorType, *p.InvestorType
	}
	if p.ResidenceCountry != nil {
		sit.ResidenceCountry = *p.ResidenceCountry
	}
	for _, r := range p.Regions {
		in.Regions = append(in.Regions, r.Code)
	}
	sit.Regions = in.Regions
	recs, err := s.store.Recommend(ctx, in)
	if err != nil {
		return err
	}
	v := s.newView(prefs)
	if err := s.showAmounts(c, v, currency); err != nil {
		return err
	}
	out := recommendationsJSON{Opportunities: make([]recommendedJSON, len(recs)), Eligible: []assessmentJSON{}, Undetermined: []assessmentJSON{}}
	for i, r := range recs {
		out.Opportunities[i] = recommendedJSON{Score: math.Round(r.Score*1000) / 1000,
			Reasons: v.labels(domain.RecommendationReasons, r.Reasons), Opportunity: v.opportunity(r.Opportunity)}
	}
	if sit.Country != "" {
		rates, candidates, regions, err := s.assessmentInputs(c, sit.Country, prefs)
		if err != nil {
			return err
		}
		eligible, _, undetermined := domain.AssessAll(candidates, sit, rates)
		out.Eligible, out.Undetermined = v.assessments(eligible, sit, regions), v.assessments(undetermined, sit, regions)
	}
	s.private(c, v)
	return s.sendJSON(c, out)
}
