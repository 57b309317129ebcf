package api

import (
	"context"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

var (
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	codePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)
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

func (q *queryParams) code(name string, set domain.CodeSet) string {
	v := q.one(name)
	if v != "" && !set.Has(v) {
		q.unknownCode(name, v, set)
		return ""
	}
	return v
}

func (q *queryParams) unknownCode(name, value string, set domain.CodeSet) {
	q.add(name, "query", "unknown_code", map[string]any{"Value": truncate(value), "Allowed": strings.Join(set.Codes, ", ")})
}

func (q *queryParams) amount(name string) string {
	v := q.one(name)
	if v == "" {
		return ""
	}
	a, err := domain.ParseAmount(v)
	if err != nil {
		q.add(name, "query", "invalid_amount", nil)
		return ""
	}
	return a
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
	v := q.one("limit")
	if v == "" {
		return domain.DefaultLimit
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > domain.MaxLimit {
		q.add("limit", "query", "invalid_limit", map[string]any{"Max": domain.MaxLimit})
		return domain.DefaultLimit
	}
	return n
}

// listFilter reads and checks the filters of a content list. country is the country of the
// path (/v1/countries/{code}/…), already known to exist, or "" on the global lists.
func (s *server) listFilter(c *fiber.Ctx, kind domain.Kind, types domain.CodeSet, country string) (domain.ListFilter, error) {
	ctx := c.UserContext()
	q := &queryParams{c: c}
	f := domain.ListFilter{Country: country, Langs: requestPrefs(c), SearchLangs: s.searchLangs}

	if v := strings.ToUpper(q.one("country")); v != "" && f.Country != "" && v != f.Country {
		// /v1/countries/CV/opportunities?country=SN cannot be both.
		q.add("country", "query", "unknown_country", map[string]any{"Value": truncate(v)})
	} else if f.Country == "" {
		if v != "" {
			code, err := s.knownCountry(ctx, v)
			if err != nil {
				return f, err
			}
			if code != "" {
				f.Country = code
			} else {
				q.add("country", "query", "unknown_country", map[string]any{"Value": truncate(v)})
			}
		}
	}
	for _, sector := range q.list("sector") {
		if !domain.Sectors.Has(sector) {
			q.unknownCode("sector", sector, domain.Sectors)
		} else if !slices.Contains(f.Sectors, sector) {
			f.Sectors = append(f.Sectors, sector)
		}
	}
	if v := q.one("region"); v != "" {
		ok := codePattern.MatchString(v)
		if ok {
			var err error
			if ok, err = s.store.RegionExists(ctx, f.Country, v); err != nil {
				return f, err
			}
		}
		if ok {
			f.Region = v
		} else {
			q.add("region", "query", "unknown_region", map[string]any{"Value": truncate(v)})
		}
	}
	f.Type = q.code("type", types)
	f.InvestorType = q.code("investor_type", domain.InvestorTypes)
	f.MinAmount, f.MaxAmount = q.amount("min_amount"), q.amount("max_amount")
	if f.MinAmount != "" && f.MaxAmount != "" && decimalLess(f.MaxAmount, f.MinAmount) {
		q.add("min_amount", "query", "min_greater_than_max", nil)
	}
	f.Currency = "EUR"
	if v := q.one("currency"); v != "" {
		cur, err := s.knownCurrency(ctx, v)
		if err != nil {
			return f, err
		}
		if cur != "" {
			f.Currency = cur
		} else {
			q.add("currency", "query", "invalid_currency", map[string]any{"Value": truncate(v)})
		}
	}
	f.Query = strings.TrimSpace(q.one("q"))
	switch {
	case !utf8.ValidString(f.Query) || strings.ContainsRune(f.Query, 0):
		q.add("q", "query", "invalid_encoding", nil)
		f.Query = ""
	case utf8.RuneCountInString(f.Query) > domain.MaxQueryLen:
		q.add("q", "query", "search_too_long", map[string]any{"Max": domain.MaxQueryLen})
		f.Query = ""
	}
	for _, name := range q.list("facets") {
		if !slices.Contains(domain.FacetNames, name) {
			q.add("facets", "query", "invalid_facets", map[string]any{"Allowed": strings.Join(domain.FacetNames, ", ")})
			break
		}
		if !slices.Contains(f.Facets, name) {
			f.Facets = append(f.Facets, name)
		}
	}
	if kind == domain.KindOpportunity {
		switch v := q.one("include_closed"); v {
		case "", "false":
		case "true":
			f.IncludeClosed = true
		default:
			q.add("include_closed", "query", "invalid_boolean", map[string]any{"Value": truncate(v)})
		}
	}
	f.Limit = q.limit()
	if err := q.err("invalid-parameters"); err != nil {
		return f, err
	}
	// The cursor is read last: it must belong to exactly this filter.
	if v := q.one("cursor"); v != "" {
		after, err := domain.DecodeCursor(v, f.Fingerprint(kind))
		if err != nil {
			q.add("cursor", "query", "invalid_cursor", nil)
		}
		f.After = after
	}
	return f, q.err("invalid-parameters")
}

func decimalLess(a, b string) bool {
	x, _ := new(big.Rat).SetString(a)
	y, _ := new(big.Rat).SetString(b)
	return x != nil && y != nil && x.Cmp(y) < 0
}

// truncate shortens a client's value before it is echoed in an error message.
func truncate(s string) string { return domain.Truncate(s) }

// knownCountry returns the catalogue's code for v (in any case), or "" when v names no
// origin country of the catalogue.
func (s *server) knownCountry(ctx context.Context, v string) (string, error) {
	code := strings.ToUpper(v)
	if !countryPattern.MatchString(code) {
		return "", nil
	}
	ok, err := s.store.CountryExists(ctx, code)
	if err != nil || !ok {
		return "", err
	}
	return code, nil
}

// knownCurrency returns the ISO 4217 code for v when amounts in it can be converted (a rate to
// the euro is known), or "".
func (s *server) knownCurrency(ctx context.Context, v string) (string, error) {
	cur, err := domain.ParseCurrency(v)
	if err != nil {
		return "", nil
	}
	ok, err := s.store.CurrencyConvertible(ctx, cur)
	if err != nil || !ok {
		return "", err
	}
	return cur, nil
}
