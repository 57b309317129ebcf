package api

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/domain"
)

// queryParams reads query parameters, collecting every problem instead of stopping at the
// first, so that a client learns all it did wrong in one answer.
type queryParams struct {
	c *fiber.Ctx
	invalid
}

// one returns a parameter that may be given once.
func (q *queryParams) one(name string) string {
	values := q.c.Context().QueryArgs().PeekMulti(name)
	switch len(values) {
	case 0:
		return ""
	case 1:
		return string(values[0])
	default:
		q.add(name, "query", "repeated_parameter", nil)
		return string(values[0])
	}
}

// maxListValues caps how many values a list parameter may carry (duplicates included): each
// is documented as the parameter's maxItems in openapi.yaml (a test compares them).
var maxListValues = map[string]int{"sector": 20, "facets": 3, "fields": 40, "kind": 3}

const defaultMaxListValues = 20

// list returns a parameter given as a comma-separated list, or repeated, or both, without
// repeated values. More values than the parameter's maximum are refused with one error.
func (q *queryParams) list(name string) []string {
	max := maxListValues[name]
	if max == 0 {
		max = defaultMaxListValues
	}
	var out []string
	given := 0
	for _, v := range q.c.Context().QueryArgs().PeekMulti(name) {
		for _, part := range strings.Split(string(v), ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			if given++; given > max {
				q.add(name, "query", "too_many_values", map[string]any{"Max": max})
				return nil
			}
			if !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// code returns a parameter that must be one of set's codes ("" when absent or refused).
func (q *queryParams) code(name string, set domain.CodeSet) string {
	v := q.one(name)
	if v != "" && !q.isCode(name, v, set) {
		return ""
	}
	return v
}

// isCode checks that value is one of set's codes, by domain's rule, and reports it.
func (q *queryParams) isCode(name, value string, set domain.CodeSet) bool {
	var check domain.Invalid
	ok := check.Code(name, value, set)
	q.refused(&check)
	return ok
}

// cursor reads the cursor parameter of the list named list: nil when there is none, or when it
// is malformed or was made for another list (reported).
func (q *queryParams) cursor(list uint32) *domain.Cursor {
	raw := q.one("cursor")
	if raw == "" {
		return nil
	}
	cur, err := domain.DecodeCursor(raw, list)
	if err != nil {
		q.add("cursor", "query", "invalid_cursor", nil)
		return nil
	}
	return cur
}

func (q *queryParams) limit() int {
	var v domain.Invalid
	n := v.FilterLimit("limit", q.one("limit"))
	q.refused(&v)
	return n
}

// refused adds the rules that a domain check says query parameters break.
func (q *queryParams) refused(v *domain.Invalid) {
	for _, f := range v.Fields {
		q.add(f.Name, "query", f.Code, f.Data)
	}
}

// listParams are the parameters of a content list, in the order their errors are listed.
var listParams = []string{"country", "sector", "region", "type", "investor_type", "min_amount", "max_amount",
	"range", "currency", "q", "facets", "include_closed", "limit", "cursor"}

// listQuery reads the parameters of a content list as written; the use case checks them.
// country is the country of the path (/v1/countries/{code}/…), already known to exist, or ""
// on the global lists.
func listQuery(q *queryParams, kind domain.Kind, country string) catalogue.ListQuery {
	lq := catalogue.ListQuery{Kind: kind, PathCountry: country, Country: q.one("country"), Sectors: q.list("sector"),
		Region: q.one("region"), Type: q.one("type"), InvestorType: q.one("investor_type"),
		MinAmount: q.one("min_amount"), MaxAmount: q.one("max_amount"), Currency: q.one("currency"),
		Search: q.one("q"), Facets: q.list("facets"), Limit: q.one("limit"), Cursor: q.one("cursor"), Langs: requestPrefs(q.c)}
	if kind == domain.KindOpportunity {
		lq.IncludeClosed = q.one("include_closed")
	}
	return lq
}

// listFilter reads and checks the filters of a content list: what the parameters' syntax
// breaks and what the use case refuses are answered together, parameter by parameter.
func (s *server) listFilter(c *fiber.Ctx, kind domain.Kind, country string) (domain.ListFilter, error) {
	parsed := &queryParams{c: c}
	f, err := s.catalogue.Filter(c.UserContext(), listQuery(parsed, kind, country))
	return f, queryProblem(mergeListErrors, parsed.fields, err)
}

// queryProblem is the problem of a query: its syntax errors (parsed) and the parameters a use
// case refused (a *domain.Invalid in err), listed by order; nil when there is neither. Any
// other error of the use case names no parameter: it is ours, not the client's, so it passes
// as it is, for the problem middleware to log and answer 500.
func queryProblem(order errorOrder, parsed []fieldError, err error) error {
	var refused *domain.Invalid
	if err != nil && !errors.As(err, &refused) {
		return err
	}
	var q invalid
	for _, fe := range order(parsed, refused) {
		q.add(fe.name, fe.in, fe.code, fe.data)
	}
	return q.err("invalid-parameters")
}

// errorOrder lists a query's syntax errors and a use case's refusals in the order a route
// answers them.
type errorOrder func(parsed []fieldError, refused *domain.Invalid) []fieldError

// byParams orders them by params (nil: as they were found).
func byParams(params []string) errorOrder {
	return func(parsed []fieldError, refused *domain.Invalid) []fieldError {
		return mergeErrors(params, parsed, refused)
	}
}

// mergeListErrors orders syntax errors and refusals by listParams, a parameter's syntax error
// first. A cursor is only judged when nothing else is wrong.
func mergeListErrors(parsed []fieldError, refused *domain.Invalid) []fieldError {
	all := mergeErrors(listParams, parsed, refused)
	if len(all) > 0 && all[0].name != "cursor" {
		all = slices.DeleteFunc(all, func(f fieldError) bool { return f.name == "cursor" })
	}
	return all
}

// mergeErrors lists the syntax errors of query parameters (parsed) and the refusals of their
// values by a use case in the order of params, a parameter's syntax error first; a range's
// refusal (min_greater_than_max) is ranked as the parameter "range".
func mergeErrors(params []string, parsed []fieldError, refused *domain.Invalid) []fieldError {
	all := slices.Clone(parsed)
	if refused != nil {
		for _, f := range refused.Fields {
			all = append(all, fieldError{name: f.Name, in: "query", code: f.Code, data: f.Data})
		}
	}
	rank := func(f fieldError) int {
		if f.code == "min_greater_than_max" {
			return slices.Index(params, "range")
		}
		return slices.Index(params, f.name)
	}
	slices.SortStableFunc(all, func(a, b fieldError) int { return rank(a) - rank(b) })
	return all
}

// truncate shortens a client's value before it is echoed in an error message.
func truncate(s string) string { return domain.Truncate(s) }
