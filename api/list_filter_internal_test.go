package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/domain"
)

// errCatalogueDown is what a failing store answers every check of a filter with.
var errCatalogueDown = errors.New("catalogue store down")

// downCatalogue fails the reads a list's filters are checked against.
type downCatalogue struct{ catalogue.Store }

func (downCatalogue) CountryExists(context.Context, string) (bool, error) {
	return false, errCatalogueDown
}

func (downCatalogue) RegionExists(context.Context, string, string) (bool, error) {
	return false, errCatalogueDown
}

func (downCatalogue) CurrencyConvertible(context.Context, string) (bool, error) {
	return false, errCatalogueDown
}

// TestListFilterPassesFailures: a list filter's error that names no parameter (the store
// failed while a filter was checked) is ours, not the client's. It passes on as it is, to be
// logged and answered 500, even when the query also has errors of its own; only refusals of
// parameters become the 400 problem.
func TestListFilterPassesFailures(t *testing.T) {
	s := &server{catalogue: catalogue.New(downCatalogue{}, nil, nil)}
	for _, c := range []struct {
		query string
		fails bool // the store's failure, else a 400 naming the parameter
		param string
	}{
		{"country=CV", true, ""},
		{"region=sal", true, ""},
		{"currency=USD", true, ""},
		{"country=CV&limit=1&limit=2", true, ""},
		{"region=sal&sector=nonsense", true, ""},
		{"limit=0", false, "limit"},
	} {
		t.Run(c.query, func(t *testing.T) {
			var got error
			app := fiber.New()
			app.Get("/list", func(ctx *fiber.Ctx) error {
				_, got = s.listFilter(ctx, domain.KindOpportunity, "")
				return nil
			})
			if _, err := app.Test(httptest.NewRequest(http.MethodGet, "/list?"+c.query, nil), -1); err != nil {
				t.Fatal(err)
			}
			var problem *apiError
			switch {
			case c.fails && (!errors.Is(got, errCatalogueDown) || errors.As(got, &problem)):
				t.Errorf("got %v, want the store's failure as it is", got)
			case !c.fails && (!errors.As(got, &problem) || problem.status != fiber.StatusBadRequest ||
				len(problem.fields) != 1 || problem.fields[0].name != c.param):
				t.Errorf("got %v, want a 400 naming %s", got, c.param)
			}
		})
	}
}

// TestQueryProblem: every list (contents, directory, change log, amounts shown in a currency)
// answers a query the same way: syntax errors and refusals of parameters in one 400, in the
// route's order; any other error of the use case as it is.
func TestQueryProblem(t *testing.T) {
	repeated := fieldError{name: "country", in: "query", code: "repeated_parameter"}
	refusal := func(name, code string) error {
		v := &domain.Invalid{}
		v.Add(name, code, nil)
		return v
	}
	names := func(err error) []string {
		var p *apiError
		if !errors.As(err, &p) || p.status != fiber.StatusBadRequest {
			return nil
		}
		var out []string
		for _, f := range p.fields {
			out = append(out, f.name+":"+f.code)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		order  errorOrder
		parsed []fieldError
		err    error
		want   []string // the 400's parameters; nil: err itself
	}{
		{"nothing wrong", byParams(nil), nil, nil, []string{}},
		{"as found", byParams(nil), []fieldError{repeated}, refusal("cursor", "invalid_cursor"),
			[]string{"country:repeated_parameter", "cursor:invalid_cursor"}},
		{"by the route's order", byParams([]string{"cursor", "country"}), []fieldError{repeated}, refusal("cursor", "invalid_cursor"),
			[]string{"cursor:invalid_cursor", "country:repeated_parameter"}},
		{"a failure with syntax errors", byParams(nil), []fieldError{repeated}, errCatalogueDown, nil},
		{"a failure of a content list", mergeListErrors, []fieldError{repeated}, errCatalogueDown, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := queryProblem(c.order, c.parsed, c.err)
			switch {
			case c.want == nil:
				if got != c.err {
					t.Errorf("got %v, want %v as it is", got, c.err)
				}
			case len(c.want) == 0:
				if got != nil {
					t.Errorf("got %v, want no problem", got)
				}
			case !slices.Equal(names(got), c.want):
				t.Errorf("got %v, want a 400 naming %v", names(got), c.want)
			}
		})
	}
}
