package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestLangRule: a well-formed tag with no locale falls back like an unsupported language, a
// malformed or empty one is a 400 naming lang (DESIGN.md, Localization; openapi.yaml's Lang).
func TestLangRule(t *testing.T) {
	a := newAPI(t)
	for _, lang := range []string{"zz", "gsw", "de", "true", "zz-ZZ"} {
		r := a.get("/v1/sectors?lang="+lang, "Accept-Language", "fr")
		expect(t, r, http.StatusOK)
		if cl := r.header.Get("Content-Language"); cl != "fr" {
			t.Errorf("lang=%s with Accept-Language: fr: Content-Language %q, want fr (the next preference)", lang, cl)
		}
	}
	for _, lang := range []string{"", "!!", "e", "en_US", "x%20y"} {
		p := problemOf(t, a.get("/v1/sectors?lang="+lang), http.StatusBadRequest, "/problems/invalid-parameters")
		if got := fieldErrors(p)["lang"]; got != "invalid_language" {
			t.Errorf("lang=%s: errors %v, want lang invalid_language", lang, fieldErrors(p))
		}
	}
}

// TestDeclaredLimits: the limits openapi.yaml declares on headers and query parameters are
// enforced, with a 400 naming what is wrong, and the values just within them are accepted.
func TestDeclaredLimits(t *testing.T) {
	a := newAPI(t)
	long := strings.Repeat("pt-PT,", 200)[:1001]
	p := problemOf(t, a.get("/v1/sectors", "Accept-Language", long), http.StatusBadRequest, "/problems/invalid-parameters")
	if got := fieldErrors(p)["Accept-Language"]; got != "too_long" {
		t.Errorf("Accept-Language of 1,001 characters: errors %v", fieldErrors(p))
	}
	expect(t, a.get("/v1/sectors", "Accept-Language", long[:1000]), http.StatusOK)

	admin := a.admin("limits-admin@example.org")
	org := a.founder("limits-owner@example.org", "Limits Agency")
	a.verify(admin, org.org)
	id, etag := a.draft(org)
	ifMatch := strings.Repeat("x", 201)
	r := a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"summary": "Outro resumo."},
		append(bearer(org.access), "If-Match", ifMatch)...)
	p = problemOf(t, r, http.StatusBadRequest, "/problems/invalid-parameters")
	if got := fieldErrors(p)["If-Match"]; got != "too_long" {
		t.Errorf("If-Match of 201 characters: errors %v", fieldErrors(p))
	}
	// 200 characters naming no version: a 412, as documented.
	r = a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"summary": "Outro resumo."},
		append(bearer(org.access), "If-Match", ifMatch[:200])...)
	problemOf(t, r, http.StatusPreconditionFailed, "/problems/precondition-failed")
	expect(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"summary": "Outro resumo."},
		append(bearer(org.access), "If-Match", etag)...), http.StatusOK)

	for _, name := range []string{"country", "sector", "limit", "cursor", "currency"} {
		p := problemOf(t, a.get("/v1/opportunities?"+name+"="), http.StatusBadRequest, "/problems/invalid-parameters")
		if got := fieldErrors(p)[name]; got != "empty_value" {
			t.Errorf("%s=: errors %v, want %s empty_value", name, fieldErrors(p), name)
		}
	}
	expect(t, a.get("/v1/opportunities?q="), http.StatusOK) // an empty search is no search
}
