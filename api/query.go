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
}

// documentedRoutes reads the operations and their query parameters from the embedded
// openapi.yaml: the contract is the one list of what each route accepts, so the two cannot drift.
func documentedRoutes(doc []byte) ([]documentedRoute, error) {
	type param struct {
		Ref  string `yaml:"$ref"`
		Name string `yaml:"name"`
		In   string `yaml:"in"`
	}
	type operation struct {
		Parameters []param `yaml:"parameters"`
	}
	var d struct {
		Paths      map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]param `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	queryNames := func(params []param) []string {
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
		var common operation // parameters of every operation of the path
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
		for method, opNode := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch":
			default:
				continue
			}
			var op operation
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
	}
	return routes, nil
}

// matchRoute finds the documented operation of a request, nil when there is none (the router
// then answers 404 or 405). Path parameters are returned by name.
func matchRoute(routes []documentedRoute, method, path string) (*documentedRoute, map[string]string) {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	parts := strings.Split(path, "/")
	var best *documentedRoute
	for i := range routes {
		r := &routes[i]
		if r.method != method || len(r.segments) != len(parts) || (best != nil && best.literals >= r.literals) {
			continue
		}
		ok := true
		for j, s := range r.segments {
			if !strings.HasPrefix(s, "{") && s != parts[j] || strings.HasPrefix(s, "{") && parts[j] == "" {
				ok = false
				break
			}
		}
		if ok {
			best = r
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for j, s := range best.segments {
		if strings.HasPrefix(s, "{") {
			params[strings.Trim(s, "{}")] = parts[j]
		}
	}
	return best, params
}

// maxUnknownParameters: the first few unknown names are enough to fix a request, and a request
// listing thousands must not get an answer listing them all.
const maxUnknownParameters = 3

// checkQuery refuses, on every documented route, a query parameter the route does not
// document (a misspelt filter silently ignored gives a wrong answer that looks right), and
// query or path values that are not clean text (NUL, controls, broken UTF-8) before they can
// reach the database. `lang` is read by every route.
func (s *server) checkQuery(routes []documentedRoute) fiber.Handler {
	return func(c *fiber.Ctx) error {
		route, pathParams := matchRoute(routes, c.Method(), c.Path())
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
		names := make([]string, 0, len(pathParams))
		for name := range pathParams {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if p := domain.CheckText(pathParams[name], domain.NameText); p != nil {
				v.add(name, "path", p.Code, map[string]any{"Char": p.Char})
			}
		}
		if err := v.err("invalid-parameters"); err != nil {
			return err
		}
		return c.Next()
	}
}

// queryRoutes is openapi.yaml's list of routes, read once.
func queryRoutes() []documentedRoute {
	routes, err := documentedRoutes(marketplace.OpenAPIDocument)
	if err != nil {
		panic("openapi.yaml: " + err.Error()) // embedded at build time: a test reads it too
	}
	return routes
}
