// Package contract checks the API against its contract, the OpenAPI 3.1 document openapi.yaml at the
// repository root (embedded as marketplace.OpenAPIDocument).
//
// It is used by the tests of other packages: Routes lists every operation of the document (to check
// that the server has a route for each and no route that the document lacks), and a Validator checks
// that a response the server sent — status, media type, body and headers — is one the document
// allows:
//
//	v, err := contract.NewValidator()
//	...
//	resp, _ := app.Test(req)
//	if err := v.CheckHTTPResponse(req, resp); err != nil {
//		t.Error(err)
//	}
//
// Schemas are JSON Schema 2020-12 (OpenAPI 3.1) and are evaluated by
// github.com/pb33f/libopenapi-validator, with format assertions (date, date-time, uri) on.
package contract

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	marketplace "github.com/diaspora-investor/marketplace"
)

// Route is one operation of the document: an upper-case HTTP method and a path in OpenAPI template
// form, such as {GET /v1/countries/{code}}.
type Route struct {
	Method string
	Path   string
}

// String returns the route as "METHOD /path".
func (r Route) String() string { return r.Method + " " + r.Path }

// Routes returns every operation of the document, sorted by path and then method.
func Routes() ([]Route, error) {
	d, err := loadDocument()
	if err != nil {
		return nil, err
	}
	var routes []Route
	for _, p := range d.paths {
		for _, m := range p.methods {
			routes = append(routes, Route{Method: m, Path: p.template})
		}
	}
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].Path != routes[j].Path {
			return routes[i].Path < routes[j].Path
		}
		return routes[i].Method < routes[j].Method
	})
	return routes, nil
}

// document is the parsed contract.
type document struct {
	doc   libopenapi.Document
	model *v3.Document
	paths []pathEntry
}

// pathEntry is one path of the document with what matching a request against it needs.
type pathEntry struct {
	template string
	segments []string // split on "/"; "{name}" for a parameter
	literals int      // how many segments are not parameters (more is more specific)
	item     *v3.PathItem
	methods  []string // upper-case, sorted
}

// loadDocument parses marketplace.OpenAPIDocument once.
var loadDocument = sync.OnceValues(func() (*document, error) {
	doc, err := libopenapi.NewDocument(marketplace.OpenAPIDocument)
	if err != nil {
		return nil, fmt.Errorf("contract: openapi.yaml does not parse: %w", err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		return nil, fmt.Errorf("contract: openapi.yaml is OpenAPI %q, want 3.1.x", v)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("contract: openapi.yaml does not build into a model: %w", err)
	}
	if m == nil || m.Model.Paths == nil || m.Model.Paths.PathItems == nil {
		return nil, fmt.Errorf("contract: openapi.yaml has no paths")
	}
	d := &document{doc: doc, model: &m.Model}
	for pair := m.Model.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		e := pathEntry{template: pair.Key(), item: pair.Value()}
		if !strings.HasPrefix(e.template, "/") {
			return nil, fmt.Errorf("contract: path %q does not start with /", e.template)
		}
		e.segments = strings.Split(e.template, "/")[1:]
		for _, s := range e.segments {
			if !isParam(s) {
				e.literals++
			}
		}
		for op := e.item.GetOperations().First(); op != nil; op = op.Next() {
			e.methods = append(e.methods, strings.ToUpper(op.Key()))
		}
		sort.Strings(e.methods)
		d.paths = append(d.paths, e)
	}
	return d, nil
})

func isParam(segment string) bool {
	return len(segment) > 2 && segment[0] == '{' && segment[len(segment)-1] == '}'
}

// match returns the most specific path of the document that urlPath (as in URL.Path) matches, or
// nil. Matching is exact: case-sensitive, and a trailing slash is a different path.
func (d *document) match(urlPath string) *pathEntry {
	if !strings.HasPrefix(urlPath, "/") {
		return nil
	}
	segments := strings.Split(urlPath, "/")[1:]
	var best *pathEntry
	for i := range d.paths {
		p := &d.paths[i]
		if len(p.segments) != len(segments) {
			continue
		}
		ok := true
		for j, s := range p.segments {
			if isParam(s) {
				if segments[j] == "" {
					ok = false
					break
				}
			} else if s != segments[j] {
				ok = false
				break
			}
		}
		if ok && (best == nil || p.literals > best.literals) {
			best = p
		}
	}
	return best
}
