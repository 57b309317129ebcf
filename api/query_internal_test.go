package api

import (
	"testing"

	"gopkg.in/yaml.v3"

	marketplace "github.com/diaspora-investor/marketplace"
)

// TestListMaximaAreDocumented: each list parameter's cap is its maxItems in openapi.yaml.
func TestListMaximaAreDocumented(t *testing.T) {
	var d struct {
		Components struct {
			Parameters map[string]struct {
				Name   string `yaml:"name"`
				In     string `yaml:"in"`
				Schema struct {
					Type     any `yaml:"type"`
					MaxItems int `yaml:"maxItems"`
				} `yaml:"schema"`
			} `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(marketplace.OpenAPIDocument, &d); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range d.Components.Parameters {
		if p.In != "query" || p.Schema.Type != "array" {
			continue
		}
		seen[p.Name] = true
		want := maxListValues[p.Name]
		if want == 0 {
			want = defaultMaxListValues
		}
		if p.Schema.MaxItems != want {
			t.Errorf("%s: maxItems %d in openapi.yaml, the server takes %d", p.Name, p.Schema.MaxItems, want)
		}
	}
	for name := range maxListValues {
		if !seen[name] {
			t.Errorf("%s has a cap but no array parameter in openapi.yaml", name)
		}
	}
}

// TestDocumentedRoutesMatch: the route table read from openapi.yaml finds each operation and
// its query parameters.
func TestDocumentedRoutesMatch(t *testing.T) {
	routes := queryRoutes()
	count := 0
	for _, list := range routes {
		count += len(list)
	}
	if count < 80 {
		t.Fatalf("%d routes read from openapi.yaml", count)
	}
	var parts [maxSegments]string
	for _, c := range []struct {
		method, path, param string
		found               bool
	}{
		{"GET", "/v1/countries/CV/opportunities", "sector", true},
		{"HEAD", "/v1/opportunities", "country", true},
		{"GET", "/v1/countries/CV/opportunities.atom", "sector", false},
		{"GET", "/v1/organizations", "status", true},
		{"POST", "/v1/eligibility", "lang", true},
		{"GET", "/v1/opportunities/x", "sector", false},
	} {
		r := routes.match(c.method, c.path, &parts)
		if r == nil {
			t.Errorf("%s %s: no route", c.method, c.path)
			continue
		}
		has := false
		for _, q := range r.query {
			has = has || q == c.param
		}
		if has != c.found {
			t.Errorf("%s %s: %s taken %v, want %v (%v)", c.method, c.path, c.param, has, c.found, r.query)
		}
	}
	if r := routes.match("GET", "/v1/nowhere", &parts); r != nil {
		t.Errorf("/v1/nowhere matched %v", r.segments)
	}
}

// Matching runs on every request before the cache: it must not allocate.
func TestRouteMatchDoesNotAllocate(t *testing.T) {
	routes := queryRoutes()
	var parts [maxSegments]string
	allocs := testing.AllocsPerRun(100, func() {
		if routes.match("GET", "/v1/opportunities/cv-hotel-sal", &parts) == nil {
			t.Fatal("no route")
		}
	})
	if allocs != 0 {
		t.Errorf("%.0f allocations per match", allocs)
	}
}
