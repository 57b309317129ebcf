package api_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Kabuverdianu: the most-read Cabo Verde items answer in kea; the others fall back to
// Portuguese, their source language, and say so in lang; kea text is searched with Portuguese
// stemming, accents ignored.
func TestKabuverdianuContent(t *testing.T) {
	a := newAPI(t)
	r := a.get("/v1/opportunities/cv-handling-privatisation-emigrant-tranche?lang=kea")
	expect(t, r, http.StatusOK)
	if b := r.json(t); b["lang"] != "kea" || r.header.Get("Content-Language") == "" {
		t.Errorf("lang %v, Content-Language %q", b["lang"], r.header.Get("Content-Language"))
	}
	inc := a.get("/v1/incentives/cv-emigrant-investor-dividend-exemption?lang=kea").json(t)
	if inc["lang"] != "kea" {
		t.Errorf("main incentive in kea: lang %v", inc["lang"])
	}
	// No kea text: Portuguese, said in lang.
	other := a.get("/v1/opportunities/electra-epec-edec-privatisation-emigrant-tranche?lang=kea").json(t)
	if other["lang"] != "pt" {
		t.Errorf("fallback: lang %v, want pt", other["lang"])
	}
	// A kea word, unaccented and inflected differently from the text ("izenson", "imigranti").
	s := a.get("/v1/incentives?country=CV&lang=kea&q=" + url.QueryEscape("IZENSON imigranti"))
	expect(t, s, http.StatusOK)
	if items := s.items(t); len(items) == 0 {
		t.Errorf("kea search found nothing: %s", s.body)
	}
	// The interface speaks kea where a label was written in it.
	sectors := a.get("/v1/sectors?lang=kea").items(t)
	found := false
	for _, sct := range sectors {
		found = found || (sct["code"] == "tourism" && sct["label"] == "Turismu")
	}
	if !found {
		t.Errorf("sector labels in kea: %v", sectors)
	}
}
