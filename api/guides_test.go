package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Guides through the app: a country's list, a guide with its steps, the links both ways, the
// language fallback said per step, search, caching headers and the problems of bad requests.
// Every answer is checked against openapi.yaml by the helpers.
func TestGuidesHTTP(t *testing.T) {
	a := newAPI(t)

	r := a.get("/v1/countries/CV/guides?lang=en")
	expect(t, r, http.StatusOK)
	items := r.items(t)
	if len(items) < 5 {
		t.Fatalf("%d guides", len(items))
	}
	if r.header.Get("Cache-Control") != "public, max-age=60" || r.header.Get("ETag") == "" || r.header.Get("Content-Language") != "en" {
		t.Errorf("headers: %v", r.header)
	}
	for _, g := range items {
		if g["as_of"] == nil || len(g["sources"].([]any)) == 0 || g["lang"] != "en" {
			t.Errorf("guide %v: as_of %v, sources %v, lang %v", g["slug"], g["as_of"], g["sources"], g["lang"])
		}
	}
	// Revalidation: the same ETag gives 304.
	expect(t, a.get("/v1/countries/CV/guides?lang=en", "If-None-Match", r.header.Get("ETag")), http.StatusNotModified)

	d := a.get("/v1/guides/cv-guide-emigrant-investor?lang=fr")
	expect(t, d, http.StatusOK)
	body := d.json(t)
	steps := body["steps"].([]any)
	if len(steps) == 0 || body["lang"] != "fr" {
		t.Fatalf("detail: %s", d.body)
	}
	if first := steps[0].(map[string]any); first["position"] != float64(1) || !strings.Contains(first["cost"].(string), "10,40") {
		t.Errorf("first step: %v", first)
	}
	incentives := body["incentives"].([]any)
	if len(incentives) == 0 {
		t.Fatalf("no linked incentives")
	}
	// The incentive's detail links back to the guide.
	slug := incentives[0].(map[string]any)["slug"].(string)
	inc := a.get("/v1/incentives/" + slug + "?lang=en").json(t)
	guides, _ := inc["guides"].([]any)
	found := false
	for _, g := range guides {
		found = found || g.(map[string]any)["slug"] == "cv-guide-emigrant-investor"
	}
	if !found {
		t.Errorf("incentive %s does not list the guide: %v", slug, inc["guides"])
	}
	prog := a.get("/v1/programmes/cv-emigrant-investor-certificate").json(t)
	if g, _ := prog["guides"].([]any); len(g) == 0 {
		t.Errorf("programme lists no guide: %v", prog["guides"])
	}

	// By id too; Kabuverdianu (no guide text in kea yet) falls back to Portuguese and says so.
	id := body["id"].(string)
	k := a.get("/v1/guides/" + id + "?lang=kea")
	expect(t, k, http.StatusOK)
	kb := k.json(t)
	if kb["lang"] != "pt" || kb["steps"].([]any)[0].(map[string]any)["lang"] != "pt" {
		t.Errorf("kea fallback: lang %v", kb["lang"])
	}

	// Search, in Portuguese without accents.
	s := a.get("/v1/countries/CV/guides?q=" + url.QueryEscape("convencao de estabelecimento"))
	expect(t, s, http.StatusOK)
	if found := s.items(t); len(found) == 0 || found[0]["slug"] != "cv-guide-establishment-agreement" {
		t.Errorf("search: %s", s.body)
	}

	// Problems.
	problemOf(t, a.get("/v1/guides/no-such-guide"), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.get("/v1/guides/bad%20id"), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.get("/v1/countries/ZZ/guides"), http.StatusNotFound, "/problems/not-found")
	p := problemOf(t, a.get("/v1/countries/CV/guides?q="+strings.Repeat("a", 201)), http.StatusBadRequest, "/problems/invalid-parameters")
	if fieldErrors(p)["q"] != "search_too_long" {
		t.Errorf("q too long: %v", p["errors"])
	}
	p = problemOf(t, a.get("/v1/countries/CV/guides?sector=tourism"), http.StatusBadRequest, "/problems/invalid-parameters")
	if _, ok := fieldErrors(p)["sector"]; !ok {
		t.Errorf("unknown parameter: %v", p["errors"])
	}
}
