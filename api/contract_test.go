package api_test

import (
	"io"
	"log/slog"
	"regexp"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/repository"
)

// TestRouterMatchesDocument fails when a route exists in Fiber but not in openapi.yaml, or
// the other way round.
func TestRouterMatchesDocument(t *testing.T) {
	langs, err := api.LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	// The routes do not depend on the database: a store over no connection will do.
	app := api.New(api.DefaultConfig(), repository.New(nil), langs, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
