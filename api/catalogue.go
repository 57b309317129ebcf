package api

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
)

// publicRead marks a response as a public, cacheable catalogue read in the given languages.
// A signed-in reader may get their own language: only their browser may keep that copy.
func (s *server) publicRead(c *fiber.Ctx, v *view) {
	scope := "public"
	if currentUser(c) != nil {
		scope = "private"
	}
	c.Set(fiber.HeaderCacheControl, scope+", max-age="+strconv.Itoa(int(s.cfg.CacheMaxAge.Seconds())))
	c.Set(fiber.HeaderContentLanguage, strings.Join(v.used, ", "))
}

// sendList writes a list body, with the Link header of the next page.
func sendList[T any](s *server, c *fiber.Ctx, v *view, items []T, next *domain.Cursor, facets map[string][]facetRow) error {
	body := listPage(s, c, items, next)
	body.Facets = facets
	s.publicRead(c, v)
	return s.sendJSON(c, body)
}

// listPage is the body of a list page; it sets the Link header of the next page.
func listPage[T any](s *server, c *fiber.Ctx, items []T, next *domain.Cursor) listBody[T] {
	body := listBody[T]{Items: items}
	if next != nil {
		cursor := next.Encode()
		body.NextCursor = &cursor
		c.Set(fiber.HeaderLink, "<"+s.nextURL(c, cursor)+`>; rel="next"`)
	}
	return body
}

func (s *server) listCountries(c *fiber.Ctx) error {
	countries, err := s.catalogue.Countries(c.UserContext(), requestPrefs(c))
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	return sendList(s, c, v, mapped(countries, v.country), nil, nil)
}

// pathCountry reads {code} and checks that the country exists (404 otherwise).
func (s *server) pathCountry(c *fiber.Ctx) (string, error) {
	code, err := s.catalogue.KnownCountry(c.UserContext(), c.Params("code"))
	if err != nil {
		return "", err
	}
	if code == "" {
		return "", countryNotFound()
	}
	return code, nil
}

// countryNotFound is the 404 of an unknown country code (countries are never unpublished).
func countryNotFound() *apiError {
	return &apiError{status: fiber.StatusNotFound, slug: "not-found", detailKey: "country_not_found"}
}

func (s *server) getCountry(c *fiber.Ctx) error {
	d, err := s.catalogue.Country(c.UserContext(), c.Params("code"), requestPrefs(c))
	if errors.Is(err, domain.ErrNotFound) {
		return countryNotFound()
	}
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	body := v.countryDetail(d)
	s.publicRead(c, v)
	return s.sendJSON(c, body)
}

func (s *server) listRegions(c *fiber.Ctx) error {
	regions, err := s.catalogue.Regions(c.UserContext(), c.Params("code"))
	if errors.Is(err, domain.ErrNotFound) {
		return countryNotFound()
	}
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	return sendList(s, c, v, mapped(regions, v.region), nil, nil)
}

func (s *server) listSectors(c *fiber.Ctx) error {
	v := s.newView(requestPrefs(c))
	return sendList(s, c, v, v.labels(domain.Sectors, domain.Sectors.Codes), nil, nil)
}

// contentRoutes describes one kind of content to the generic list and detail handlers.
type contentRoutes[T any, J any, D any] struct {
	kind     domain.Kind
	resource string // the name used in "not found" messages
	types    domain.CodeSet
	list     func(*catalogue.Service, context.Context, domain.ListFilter) (*domain.Page[T], error)
	one      func(*catalogue.Service, context.Context, string, []string) (*T, error)
	item     func(*view, T) J
	detail   func(*view, *T) D
	// forEditor reads an item in any status; withEditorial adds what only editors see.
	forEditor     func(*editorial.Service, context.Context, string, []string) (*T, error)
	withEditorial func(D, *editorialJSON) D
	// withGuides adds the guides that explain the item to its public detail (guides.go).
	withGuides func(*server, *fiber.Ctx, *view, *T, D) (D, error)
}

func (r contentRoutes[T, J, D]) listHandler(s *server, byCountry bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, fields, err := r.listRequest(s, c, byCountry)
		if err != nil {
			return err
		}
		page, err := r.list(s.catalogue, c.UserContext(), f)
		if err != nil {
			return err
		}
		v := s.newView(f.Langs)
		if c.Query("currency") != "" {
			if err := s.showAmounts(c, v, f.Currency); err != nil {
				return err
			}
		}
		items := mapped(page.Items, func(it T) J { return r.item(v, it) })
		if fields == nil {
			return sendList(s, c, v, items, page.Next, v.facets(page.Facets, r.types))
		}
		// Sparse fieldsets: the same page, each item cut down to the fields asked.
		cut, err := sparse(items, fields)
		if err != nil {
			return err
		}
		return sendList(s, c, v, cut, page.Next, v.facets(page.Facets, r.types))
	}
}

// listRequest reads a list's filters and its sparse fieldset (fields=), every error of both
// in one problem.
func (r contentRoutes[T, J, D]) listRequest(s *server, c *fiber.Ctx, byCountry bool) (domain.ListFilter, []string, error) {
	country := ""
	if byCountry {
		var err error
		if country, err = s.pathCountry(c); err != nil {
			return domain.ListFilter{}, nil, err
		}
	}
	fq := &queryParams{c: c}
	fields := fq.sparseFields(reflect.TypeFor[J]())
	f, err := s.listFilter(c, r.kind, country)
	if err != nil {
		var e *apiError
		if errors.As(err, &e) && e.status == fiber.StatusBadRequest {
			e.fields = append(e.fields, fq.fields...)
		}
		return f, nil, err
	}
	return f, fields, fq.err("invalid-parameters")
}

func (r contentRoutes[T, J, D]) detailHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		q := &queryParams{c: c}
		currency := s.displayCurrency(q)
		if err := q.err("invalid-parameters"); err != nil {
			return err
		}
		if !domain.IsItemRef(id) {
			return notFound(r.resource)
		}
		itemID, editor, visible, err := s.editorFor(c, r.kind, id)
		if err != nil {
			return err
		}
		if editor {
			return r.editorView(s, c, itemID, fiber.StatusOK, nil)
		}
		if !visible {
			return notFound(r.resource)
		}
		it, err := r.one(s.catalogue, c.UserContext(), id, requestPrefs(c))
		if err != nil {
			return writeError(err, r.resource)
		}
		v := s.newView(requestPrefs(c))
		if err := s.showAmounts(c, v, currency); err != nil {
			return err
		}
		body := r.detail(v, it)
		if r.withGuides != nil {
			if body, err = r.withGuides(s, c, v, it, body); err != nil {
				return err
			}
		}
		s.publicRead(c, v)
		return s.sendJSON(c, body)
	}
}

var (
	opportunityRoutes = contentRoutes[domain.Opportunity, opportunityJSON, opportunityDetailJSON]{
		kind: domain.KindOpportunity, resource: "opportunity", types: domain.Instruments,
		list: (*catalogue.Service).Opportunities, one: (*catalogue.Service).Opportunity,
		item: (*view).opportunity, detail: (*view).opportunityDetail,
		forEditor:     (*editorial.Service).OpportunityDraft,
		withEditorial: withEditorial[opportunityDetailJSON],
	}
	incentiveRoutes = contentRoutes[domain.Incentive, incentiveJSON, incentiveDetailJSON]{
		kind: domain.KindIncentive, resource: "incentive", types: domain.IncentiveTypes,
		list: (*catalogue.Service).Incentives, one: (*catalogue.Service).Incentive,
		item: (*view).incentive, detail: (*view).incentiveDetail,
		forEditor:     (*editorial.Service).IncentiveDraft,
		withEditorial: withEditorial[incentiveDetailJSON],
		withGuides:    incentiveGuides,
	}
	programmeRoutes = contentRoutes[domain.Programme, programmeJSON, programmeDetailJSON]{
		kind: domain.KindProgramme, resource: "programme", types: domain.ProgrammeTypes,
		list: (*catalogue.Service).Programmes, one: (*catalogue.Service).Programme,
		item: (*view).programme, detail: (*view).programmeDetail,
		forEditor:     (*editorial.Service).ProgrammeDraft,
		withEditorial: withEditorial[programmeDetailJSON],
		withGuides:    programmeGuides,
	}
)

// displayCurrency reads the currency= of a detail: the currency to show amounts in too, or "".
func (s *server) displayCurrency(q *queryParams) string {
	v := q.one("currency")
	if v == "" {
		return ""
	}
	cur, err := domain.ParseCurrency(v)
	if err != nil {
		q.add("currency", "query", "invalid_currency", map[string]any{"Value": truncate(v)})
		return ""
	}
	return cur
}

// showAmounts makes v show every amount in currency too, at the rates in use (one query). A
// currency without a rate is a 400.
func (s *server) showAmounts(c *fiber.Ctx, v *view, currency string) error {
	rates, err := s.catalogue.DisplayRates(c.UserContext(), currency)
	if err != nil {
		return queryProblem(byParams(nil), nil, err)
	}
	if rates != nil {
		v.showAmountsIn(currency, rates)
	}
	return nil
}
