package api

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	marketplace "github.com/diaspora-investor/marketplace"
	"github.com/diaspora-investor/marketplace/domain"
)

// documentedRoute is one operation of openapi.yaml with the query parameters it documents.
type documentedRoute struct {
	method   string
	segments []string // "{name}" for a path parameter
	literals int      // segments that are not parameters: the most specific route wins
	query    []string
	params   []int // indexes of the path parameters in segments, by name
}

type documentedParam struct {
	Ref  string `yaml:"$ref"`
	Name string `yaml:"name"`
	In   string `yaml:"in"`
}

type documentedOperation struct {
	Parameters []documentedParam `yaml:"parameters"`
}

// documentedRoutes reads the operations and their query parameters from the embedded
// openapi.yaml: the contract is the one list of what each route accepts, so the two cannot drift.
func documentedRoutes(doc []byte) ([]documentedRoute, error) {
	var d struct {
		Paths      map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]documentedParam `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	queryNames := func(params []documentedParam) []string {
		var names []string
		for _, p := range params {
			if p.Ref != "" {
				p = d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			if p.In == "query" {
				names = append(names, p.Name)
			}
		}
		return names
	}
	var routes []documentedRoute
	for path, node := range d.Paths {
		ops, err := pathOperations(path, node, queryNames)
		if err != nil {
			return nil, err
		}
		routes = append(routes, ops...)
	}
	return routes, nil
}

// pathOperations reads the operations of one path of the document.
func pathOperations(path string, node yaml.Node, queryNames func([]documentedParam) []string) ([]documentedRoute, error) {
	var common documentedOperation // parameters of every operation of the path
	var ops map[string]yaml.Node
	if err := node.Decode(&common); err != nil {
		return nil, err
	}
	if err := node.Decode(&ops); err != nil {
		return nil, err
	}
	segments := strings.Split(path, "/")
	literals := 0
	for _, s := range segments {
		if !strings.HasPrefix(s, "{") {
			literals++
		}
	}
	var routes []documentedRoute
	for method, opNode := range ops {
		switch method {
		case "get", "put", "post", "delete", "patch":
		default:
			continue
		}
		var op documentedOperation
		if err := opNode.Decode(&op); err != nil {
			return nil, err
		}
		// lang is taken by every route (it is read before routing), documented or not.
		names := append(queryNames(op.Parameters), queryNames(common.Parameters)...)
		names = append(names, "lang")
		slices.Sort(names)
		routes = append(routes, documentedRoute{method: strings.ToUpper(method), segments: segments,
			literals: literals, query: slices.Compact(names)})
	}
	return routes, nil
}

// maxSegments bounds the segments of a documented path; a longer path matches no route.
const maxSegments = 12

type routeKey struct {
	method   string
	segments int
}

// routeTable finds the documented operation of a request without allocating: it runs on every
// request, before the cache.
type routeTable map[routeKey][]*documentedRoute

// newRouteTable indexes routes by method and number of segments, the most specific (most
// literal segments) first, so that the first match wins.
func newRouteTable(routes []documentedRoute) routeTable {
	t := routeTable{}
	for i := range routes {
		r := &routes[i]
		for j, seg := range r.segments {
			if strings.HasPrefix(seg, "{") {
				r.params = append(r.params, j)
			}
		}
		// Problems list path parameters by name.
		slices.SortFunc(r.params, func(a, b int) int { return strings.Compare(r.segments[a], r.segments[b]) })
		key := routeKey{r.method, len(r.segments)}
		t[key] = append(t[key], r)
	}
	for _, list := range t {
		slices.SortStableFunc(list, func(a, b *documentedRoute) int { return b.literals - a.literals })
	}
	return t
}

// match finds the documented operation of a request, nil when there is none (the router then
// answers 404 or 405); parts receives the path's segments.
func (t routeTable) match(method, path string, parts *[maxSegments]string) *documentedRoute {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	n := 0
	for rest := path; ; n++ {
		if n == maxSegments {
			return nil
		}
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			parts[n] = rest
			n++
			break
		}
		parts[n], rest = rest[:i], rest[i+1:]
	}
	for _, r := range t[routeKey{method, n}] {
		if r.matches(parts[:n]) {
			return r
		}
	}
	return nil
}

func (r *documentedRoute) matches(parts []string) bool {
	for j, seg := range r.segments {
		if param := strings.HasPrefix(seg, "{"); param && parts[j] == "" || !param && seg != parts[j] {
			return false
		}
	}
	return true
}

// maxUnknownParameters: the first few unknown names are enough to fix a request, and a request
// listing thousands must not get an answer listing them all.
const maxUnknownParameters = 3

// checkQuery refuses, on every documented route, a query parameter the route does not
// document (a misspelt filter silently ignored gives a wrong answer that looks right), and
// query or path values that are not clean text (NUL, controls, broken UTF-8) before they can
// reach the database. `lang` is read by every route.
func (s *server) checkQuery(routes routeTable) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var parts [maxSegments]string
		route := routes.match(c.Method(), c.Path(), &parts)
		if route == nil {
			return c.Next()
		}
		var v invalid
		unknown := 0
		c.Context().QueryArgs().VisitAll(func(key, value []byte) {
			name := string(key)
			if !slices.Contains(route.query, name) {
				if unknown++; unknown <= maxUnknownParameters {
					allowed := strings.Join(route.query, ", ")
					v.add(name, "query", "unknown_parameter", map[string]any{"Allowed": allowed})
				}
				return
			}
			kind := domain.NameText
			switch {
			case name == "q":
				kind = domain.TitleText // search text: letters of any script, one line; empty: no search
			case len(value) == 0:
				// `?sector=` is not "every sector": a client that meant a value learns it sent none.
				// An empty lang is a malformed language, as openapi.yaml's pattern says.
				code := "empty_value"
				if name == "lang" {
					code = "invalid_language"
				}
				v.add(name, "query", code, nil)
				return
			}
			if p := domain.CheckText(string(value), kind); p != nil {
				v.add(name, "query", p.Code, map[string]any{"Char": p.Char})
			}
		})
		for _, j := range route.params {
			if p := domain.CheckText(parts[j], domain.NameText); p != nil {
				v.add(strings.Trim(route.segments[j], "{}"), "path", p.Code, map[string]any{"Char": p.Char})
			}
		}
		if err := v.err("invalid-parameters"); err != nil {
			return err
		}
		return c.Next()
	}
}

// queryRoutes is openapi.yaml's table of routes, read once.
func queryRoutes() routeTable {
	routes, err := documentedRoutes(marketplace.OpenAPIDocument)
	if err != nil {
		panic("openapi.yaml: " + err.Error()) // embedded at build time: a test reads it too
	}
	return newRouteTable(routes)
}
