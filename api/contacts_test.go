package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// A country's contact points: real, sourced, dated, in the reader's language, cached like
// every catalogue read, and never an example.org address.
func TestCountryContacts(t *testing.T) {
	a := newAPI(t)
	r := a.get("/v1/countries/CV/contacts?lang=fr")
	expect(t, r, http.StatusOK)
	if r.header.Get("Cache-Control") != "public, max-age=60" || r.header.Get("ETag") == "" {
		t.Errorf("headers: %v", r.header)
	}
	items := r.items(t)
	if len(items) < 8 {
		t.Fatalf("%d contact points", len(items))
	}
	emails := 0
	for _, c := range items {
		if c["as_of"] == nil || len(c["sources"].([]any)) == 0 || c["label"] == "" {
			t.Errorf("contact without provenance or label: %v", c)
		}
		if e, ok := c["email"].(string); ok {
			emails++
			if strings.HasSuffix(e, "example.org") {
				t.Errorf("example address on a real organization: %v", c)
			}
		}
	}
	if emails == 0 {
		t.Errorf("no e-mail address among the contacts")
	}
	expect(t, a.get("/v1/countries/CV/contacts?lang=fr", "If-None-Match", r.header.Get("ETag")), http.StatusNotModified)
	if items[0]["label"] == "" || !strings.Contains(r.header.Get("Content-Language"), "fr") {
		t.Errorf("labels not in French: Content-Language %q", r.header.Get("Content-Language"))
	}
	problemOf(t, a.get("/v1/countries/ZZ/contacts"), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.get("/v1/countries/CV/contacts?limit=5"), http.StatusBadRequest, "/problems/invalid-parameters")
	// Other countries have none yet: an empty list, not an error.
	expect(t, a.get("/v1/countries/MD/contacts"), http.StatusOK)
}
