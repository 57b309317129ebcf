package web

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/locales"
)

const pageSize = 10

func (s *Site) home(c *fiber.Ctx) error {
	p := s.newPage(c, "web.home.title")
	countries, err := s.deps.Catalogue.Countries(c.UserContext(), []string{p.Lang})
	if err != nil {
		return s.fail(c, err)
	}
	return s.render(c, "home", p, map[string]any{"Countries": countries})
}

// search looks for the words in every country's opportunities, incentives and programmes.
func (s *Site) search(c *fiber.Ctx) error {
	p := s.newPage(c, "web.search.title")
	q := strings.TrimSpace(c.Query("q"))
	p.Query = "q=" + url.QueryEscape(q)
	data := map[string]any{"Q": q}
	if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > domain.MaxQueryLen || domain.CheckText(q, domain.TitleText) != nil {
		if q != "" {
			p.Errors = append(p.Errors, fieldMessage{"q", s.texts.msg(p.Lang, "validation.search_too_long", map[string]any{"Max": domain.MaxQueryLen})})
		}
		return s.render(c, "search", p, data)
	}
	p.NoIndex = true
	ctx := c.UserContext()
	f := domain.ListFilter{Query: q, Langs: []string{p.Lang}, Limit: pageSize, Currency: "EUR"}
	total := 0
	for _, kind := range contentKinds {
		listed, err := s.listPage(ctx, kind, f, data)
		if err != nil {
			return s.fail(c, err)
		}
		total += listed.count
	}
	data["Total"] = total
	return s.render(c, "search", p, data)
}

func (s *Site) countryInfo(c *fiber.Ctx, lang string) (*CountryInfo, error) {
	code := strings.ToUpper(c.Params("code"))
	if len(code) != 2 || c.Params("code") != code {
		return nil, domain.ErrNotFound
	}
	return s.deps.Catalogue.Country(c.UserContext(), code, []string{lang})
}

func (s *Site) country(c *fiber.Ctx) error {
	p := s.newPage(c, "web.country.title")
	info, err := s.countryInfo(c, p.Lang)
	if err != nil {
		return s.readFailed(c, err)
	}
	p.Title = info.Name
	p.Feed = "/v1/countries/" + info.Code + "/opportunities.atom?lang=" + p.Lang
	return s.render(c, "country", p, map[string]any{"Country": info})
}

// listKinds are the lists of a country page.
var listKinds = map[string]struct {
	kind  domain.Kind
	types domain.CodeSet
	title string
}{
	"opportunities": {domain.KindOpportunity, domain.Instruments, "web.kind.opportunities"},
	"incentives":    {domain.KindIncentive, domain.IncentiveTypes, "web.kind.incentives"},
	"programmes":    {domain.KindProgramme, domain.ProgrammeTypes, "web.kind.programmes"},
}

// list is a country's opportunities, incentives or programmes with the API's filters as a GET
// form, facet counts, search and keyset pages.
func (s *Site) list(c *fiber.Ctx) error {
	k, ok := listKinds[c.Params("kind")]
	if !ok {
		return s.notFound(c)
	}
	p := s.newPage(c, k.title)
	ctx := c.UserContext()
	info, err := s.countryInfo(c, p.Lang)
	if err != nil {
		return s.readFailed(c, err)
	}
	rates, err := s.deps.Catalogue.Rates(ctx)
	if err != nil {
		return s.fail(c, err)
	}
	f, form, errs, err := s.listFilter(c, p.Lang, info, k.kind)
	if err != nil {
		return s.fail(c, err)
	}
	p.Title = s.texts.msg(p.Lang, k.title, nil) + " — " + info.Name
	p.Query = form.Encode()
	p.Feed = "/v1/countries/" + info.Code + "/opportunities.atom?lang=" + p.Lang
	if form.Get("q") != "" || form.Get("cursor") != "" {
		p.NoIndex = true
	}
	data := map[string]any{"Country": info, "Kind": c.Params("kind"), "Types": k.types, "Form": form,
		"Q": f.Query, "Rates": rates, "Currency": f.Currency, "Currencies": currencies(rates),
		"Sectors": domain.Sectors.Codes, "InvestorTypes": domain.InvestorTypes.Codes,
		"Facets": map[string]map[string]int{}}
	s.addFieldMessages(p, errs)
	if len(errs) > 0 {
		c.Status(fiber.StatusBadRequest)
		return s.render(c, "list", p, data)
	}
	listed, err := s.listPage(ctx, k.kind, f, data)
	if err != nil {
		return s.fail(c, err)
	}
	data["Count"], data["Facets"] = listed.count, facetCounts(listed.facets)
	base := "/" + p.Lang + "/countries/" + info.Code + "/" + c.Params("kind") + "?"
	if listed.next != nil {
		nq := withoutCursor(form)
		nq.Set("cursor", listed.next.Encode())
		data["Next"] = base + nq.Encode()
	}
	if form.Get("cursor") != "" {
		data["First"] = base + withoutCursor(form).Encode()
	}
	return s.render(c, "list", p, data)
}

// listedPage is what a page of results tells besides its items: how many, where the next
// page starts, the facet counts.
type listedPage struct {
	count  int
	next   *domain.Cursor
	facets domain.Facets
}

// listPage reads one page of a kind into data, its items under the kind's name.
func (s *Site) listPage(ctx context.Context, kind domain.Kind, f domain.ListFilter, data map[string]any) (listedPage, error) {
	switch kind {
	case domain.KindOpportunity:
		return readPage(ctx, s.deps.Catalogue.Opportunities, f, data, "Opportunities")
	case domain.KindIncentive:
		return readPage(ctx, s.deps.Catalogue.Incentives, f, data, "Incentives")
	default:
		return readPage(ctx, s.deps.Catalogue.Programmes, f, data, "Programmes")
	}
}

// readPage reads one page of items with read, into data under name.
func readPage[T any](ctx context.Context, read func(context.Context, domain.ListFilter) (*domain.Page[T], error),
	f domain.ListFilter, data map[string]any, name string) (listedPage, error) {
	page, err := read(ctx, f)
	if err != nil {
		return listedPage{}, err
	}
	data[name] = page.Items
	return listedPage{count: len(page.Items), next: page.Next, facets: page.Facets}, nil
}

// withoutCursor is a copy of a list's form without its cursor (the first page's query).
func withoutCursor(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		if k != "cursor" {
			out[k] = v
		}
	}
	return out
}

// facetCounts turns facets into name → code → count, for the form's labels.
func facetCounts(f domain.Facets) map[string]map[string]int {
	out := map[string]map[string]int{}
	for name, list := range f {
		m := map[string]int{}
		for _, fc := range list {
			m[fc.Code] = fc.Count
		}
		out[name] = m
	}
	return out
}

func currencies(rates domain.Rates) []string {
	out := make([]string, 0, len(rates))
	for c := range rates {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// listFilter reads the filter form and has the catalogue check it as the API's query is
// checked: every invalid field is reported at once, beside its field. The values sent, without
// the empty ones, form the page's query (its bookmark). Any other error is ours (err): a 500,
// logged, not a message beside a field.
func (s *Site) listFilter(c *fiber.Ctx, lang string, info *CountryInfo, kind domain.Kind) (domain.ListFilter, url.Values, []domain.FieldError, error) {
	form := url.Values{}
	args := c.Context().QueryArgs()
	var sectors []string
	for _, raw := range args.PeekMulti("sector") {
		for _, v := range strings.Split(string(raw), ",") {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(sectors, v) {
				sectors = append(sectors, v)
				form.Add("sector", v)
			}
		}
	}
	value := func(name string) string {
		v := strings.TrimSpace(c.Query(name))
		if name == "min_amount" || name == "max_amount" {
			v = writtenAmount(v)
		}
		if name == "currency" {
			v = strings.ToUpper(v)
		}
		if v != "" && !(name == "currency" && v == "EUR") && !(name == "include_closed" && v != "true") {
			form.Set(name, v)
		}
		return v
	}
	q := ListQuery{Kind: kind, Country: info.Code, Sectors: sectors, Region: value("region"), Type: value("type"),
		InvestorType: value("investor_type"), MinAmount: value("min_amount"), MaxAmount: value("max_amount"),
		Currency: value("currency"), Search: value("q"), IncludeClosed: value("include_closed"),
		Limit: strconv.Itoa(pageSize), Langs: []string{lang}, Facets: domain.FacetNames}
	if kind != domain.KindOpportunity {
		q.IncludeClosed = ""
		form.Del("include_closed")
	}
	// The cursor belongs to exactly this filter: read it only when the rest holds.
	if cursor := c.Query("cursor"); cursor != "" {
		q.Cursor = cursor
		form.Set("cursor", cursor)
	}
	f, err := s.deps.Catalogue.Filter(c.UserContext(), q)
	var invalid *domain.Invalid
	if errors.As(err, &invalid) {
		return f, form, invalid.Fields, nil
	}
	if err != nil {
		return f, form, nil, err
	}
	if f.Currency == "" {
		f.Currency = "EUR"
	}
	return f, form, nil, nil
}

// readerCurrency is the currency a reader asked amounts in (?currency=), else the euro.
func readerCurrency(c *fiber.Ctx, rates domain.Rates) string {
	if v := strings.ToUpper(c.Query("currency")); v != "" {
		if _, ok := rates[v]; ok {
			return v
		}
	}
	return "EUR"
}

// detail is the page of one published item of a kind: read reads it, titled gives its title
// and what every kind has.
func detail[T any](s *Site, c *fiber.Ctx, kind, titleID string, read func(context.Context, string, []string) (*T, error),
	titled func(*T) (string, *domain.Content)) error {
	p := s.newPage(c, titleID)
	id := c.Params("id")
	if !domain.IsItemRef(id) {
		return s.notFound(c)
	}
	item, err := read(c.UserContext(), id, []string{p.Lang})
	if err != nil {
		return s.readFailed(c, err)
	}
	title, content := titled(item)
	country := content.Country
	rates, err := s.deps.Catalogue.Rates(c.UserContext())
	if err != nil {
		return s.fail(c, err)
	}
	p.Title = title
	cur := readerCurrency(c, rates)
	if cur != "EUR" {
		p.Query = "currency=" + cur
	}
	data := map[string]any{"Item": item, "Kind": kind, "Rates": rates, "Currency": cur, "Currencies": currencies(rates),
		"Country": country, "Today": time.Now()}
	// The publishing agency's verified mark.
	verified, err := s.deps.Catalogue.PublisherVerified(c.UserContext(), content)
	if err != nil {
		return s.fail(c, err)
	}
	if verified {
		data["Verified"] = true
	}
	if u := p.User; u != nil && kind == "opportunities" {
		saved, err := s.deps.Accounts.SavedIDs(c.UserContext(), u.ID)
		if err != nil {
			return s.fail(c, err)
		}
		data["Saved"] = saved[content.ID]
		p.CSRFToken = s.csrfToken(c)
	}
	return s.render(c, kind, p, data)
}

func (s *Site) opportunity(c *fiber.Ctx) error {
	return detail(s, c, "opportunities", "web.kind.opportunity", s.deps.Catalogue.Opportunity,
		func(o *domain.Opportunity) (string, *domain.Content) { return o.Title, &o.Content })
}

func (s *Site) incentive(c *fiber.Ctx) error {
	return detail(s, c, "incentives", "web.kind.incentive", s.deps.Catalogue.Incentive,
		func(it *domain.Incentive) (string, *domain.Content) { return it.Name, &it.Content })
}

func (s *Site) programme(c *fiber.Ctx) error {
	return detail(s, c, "programmes", "web.kind.programme", s.deps.Catalogue.Programme,
		func(pr *domain.Programme) (string, *domain.Content) { return pr.Name, &pr.Content })
}

// residenceCountries are offered in the eligibility and profile forms: where diasporas live,
// and the origin countries themselves.
var residenceCountries = []string{"PT", "FR", "US", "NL", "LU", "IT", "ES", "BE", "DE", "CH", "GB", "IE", "SE", "NO",
	"BR", "CA", "AU", "AO", "ST", "GW", "MZ", "SN", "CV", "MD", "PH", "CO", "JM", "SA", "AE", "JP", "RO"}

// residencesIn are the residence countries in the order of their names in lang.
func residencesIn(lang string) []string {
	out := slices.Clone(residenceCountries)
	slices.SortFunc(out, func(a, b string) int {
		return strings.Compare(locales.CountryName(lang, a), locales.CountryName(lang, b))
	})
	return out
}

// writtenAmount is an amount as people write it (750 000, with a space or a no-break space, or
// 750000,00) as the checks read one (750000, 750000.00).
func writtenAmount(v string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(v, "\u00a0", ""), " ", ""), ",", ".")
}

// eligibility is the check: a short GET form (it changes nothing, so its answer is a URL
// people can keep) that answers what applies, what does not and why, and what is undetermined.
func (s *Site) eligibility(c *fiber.Ctx) error {
	p := s.newPage(c, "web.eligibility.title")
	ctx := c.UserContext()
	countries, err := s.deps.Catalogue.Countries(ctx, []string{p.Lang})
	if err != nil {
		return s.fail(c, err)
	}
	rates, err := s.deps.Catalogue.Rates(ctx)
	if err != nil {
		return s.fail(c, err)
	}
	code := strings.ToUpper(c.Query("country"))
	if code == "" && len(countries) > 0 {
		code = "CV"
	}
	var info *CountryInfo
	for _, ct := range countries {
		if ct.Code == code {
			if info, err = s.deps.Catalogue.Country(ctx, code, []string{p.Lang}); err != nil {
				return s.fail(c, err)
			}
		}
	}
	data := map[string]any{"Countries": countries, "Country": info, "Sectors": domain.Sectors.Codes,
		"InvestorTypes": domain.InvestorTypes.Codes, "Residences": residencesIn(p.Lang), "Currencies": currencies(rates),
		"Form": c.Queries()}
	if c.Query("country") == "" {
		return s.render(c, "eligibility", p, data)
	}
	p.NoIndex = true
	p.Query = string(c.Request().URI().QueryString())
	plan := Plan{Country: c.Query("country"), InvestorType: c.Query("investor_type"), ResidenceCountry: c.Query("residence_country"),
		Sector: c.Query("sector"), Region: c.Query("region"), Amount: writtenAmount(c.Query("amount")),
		Currency: c.Query("currency", "EUR"), Jobs: c.Query("jobs")}
	res, err := s.deps.Eligibility.Check(ctx, plan, []string{p.Lang})
	if s.invalidFields(p, err) {
		c.Status(fiber.StatusBadRequest)
		return s.render(c, "eligibility", p, data)
	}
	if err != nil {
		return s.fail(c, err)
	}
	sit := res.Situation
	data["Result"], data["RegionNames"], data["Situation"] = res, res.Regions, sit
	data["Rates"], data["Currency"] = res.Rates, "EUR"
	if sit.AmountLow != nil {
		data["Currency"] = sit.AmountLow.Currency
	}
	return s.render(c, "eligibility", p, data)
}
