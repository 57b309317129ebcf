package api_test

import (
	"net/http"
	"testing"
)

// TestMarkTranslationReviewed: POST …/translations/{lang}/reviewed clears a stale flag without
// touching the text, under the rules and the version of every write, and is recorded.
func TestMarkTranslationReviewed(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	rui := a.founder("rui@other.cv", "Outra")
	investor := a.user("investor@example.org")
	id, _ := a.draft(ana)
	expect(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{"title": "Eco", "summary": "s", "description": "d"}, bearer(ana.access)...), http.StatusCreated)
	expect(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"summary": "Resumo novo."}, bearer(ana.access)...), http.StatusOK)
	translation := func(r response, lang string) map[string]any {
		for _, tr := range r.json(t)["editorial"].(map[string]any)["translations"].([]any) {
			if m := tr.(map[string]any); m["lang"] == lang {
				return m
			}
		}
		t.Fatalf("no %s translation: %s", lang, r.body)
		return nil
	}
	view := a.get("/v1/opportunities/"+id, bearer(ana.access)...)
	if !translation(view, "en")["stale"].(bool) {
		t.Fatal("the English translation is not stale after the source changed")
	}
	etag := view.header.Get("ETag")
	reviewed := "/v1/opportunities/" + id + "/translations/en/reviewed"

	// Refused: another organization (404 for a draft), an investor (404), no token (401), a
	// stale version (412), a body (400), a language the item lacks (404), an unsupported one (400).
	problemOf(t, a.send(http.MethodPost, reviewed, nil, bearer(rui.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPost, reviewed, nil, bearer(investor.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPost, reviewed, nil), http.StatusUnauthorized, "/problems/unauthorized")
	problemOf(t, a.send(http.MethodPost, reviewed, nil, append(bearer(ana.access), "If-Match", `"v1"`)...), http.StatusPreconditionFailed, "/problems/precondition-failed")
	problemOf(t, a.send(http.MethodPost, reviewed, map[string]any{"title": "x"}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/translations/fr/reviewed", nil, bearer(ana.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/translations/de/reviewed", nil, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-parameters")

	// Marked reviewed: no longer stale, text unchanged, a new version, the reviewer and now.
	r := a.send(http.MethodPost, reviewed, nil, append(bearer(ana.access), "If-Match", etag)...)
	expect(t, r, http.StatusOK)
	if tr := translation(r, "en"); tr["stale"].(bool) {
		t.Errorf("still stale: %v", tr)
	}
	if r.json(t)["lang"] != "en" || r.json(t)["summary"] != "s" {
		t.Errorf("the text changed: %s", r.body)
	}
	if r.header.Get("ETag") == etag {
		t.Errorf("the version did not change: %s", etag)
	}
	// Again, or on the source: nothing to do, the same version.
	again := a.send(http.MethodPost, reviewed, nil, bearer(ana.access)...)
	expect(t, again, http.StatusOK)
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/translations/pt/reviewed", nil, bearer(ana.access)...), http.StatusOK)
	if again.header.Get("ETag") != r.header.Get("ETag") {
		t.Errorf("a second review wrote again: %s then %s: %v", r.header.Get("ETag"), again.header.Get("ETag"), translation(again, "en"))
	}
	// Recorded once in the audit trail.
	n := 0
	for _, e := range a.get("/v1/opportunities/"+id+"/history", bearer(ana.access)...).items(t) {
		if action, _ := e["action"].(map[string]any); action["code"] == "review_translation" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d review_translation events, want 1", n)
	}
}
