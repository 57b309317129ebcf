package api_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
)

// TestRouterMatchesDocument fails when a route exists in Fiber but not in openapi.yaml, or
// the other way round.
func TestRouterMatchesDocument(t *testing.T) {
	// The routes do not depend on the database: a store over no connection will do.
	app := newApp(t, nil, api.DefaultConfig())
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	var served []string
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead {
			continue // Fiber answers HEAD wherever it answers GET
		}
		served = append(served, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	documented, err := contract.Routes()
	if err != nil {
		t.Fatal(err)
	}
	var inDoc []string
	for _, r := range documented {
		inDoc = append(inDoc, r.String())
	}
	slices.Sort(served)
	served = slices.Compact(served)
	slices.Sort(inDoc)
	for _, r := range served {
		if !slices.Contains(inDoc, r) {
			t.Errorf("%s is served but not in openapi.yaml", r)
		}
	}
	for _, r := range inDoc {
		if !slices.Contains(served, r) {
			t.Errorf("%s is in openapi.yaml but not served", r)
		}
	}
	if len(served) < 19 {
		t.Errorf("only %d routes found; the comparison would prove little", len(served))
	}
}
