package repository_test

import (
	"context"
	"errors"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// The seeded guides of Cabo Verde read back in order, with their steps in order, their
// sources and as_of, in the reader's language with a fallback that each step reports.
func TestGuidesRead(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()

	list, err := s.Guides(ctx, domain.GuideFilter{Country: "CV", Langs: []string{"en"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 5 {
		t.Fatalf("%d guides for CV, want at least 5", len(list))
	}
	if list[0].Slug != "cv-guide-from-project-to-incentives" {
		t.Errorf("first guide %s, want the file's first", list[0].Slug)
	}
	for _, g := range list {
		if g.Lang != "en" || g.Title == "" || g.AsOf == nil || len(g.Sources) == 0 || g.StepCount == 0 || g.PublishedAt == nil {
			t.Errorf("guide %s: lang %q, title %q, as_of %v, %d sources, %d steps", g.Slug, g.Lang, g.Title, g.AsOf, len(g.Sources), g.StepCount)
		}
	}

	d, err := s.Guide(ctx, "cv-guide-register-company", []string{"fr"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Lang != "fr" || len(d.Steps) != d.StepCount {
		t.Fatalf("lang %s, %d steps of %d", d.Lang, len(d.Steps), d.StepCount)
	}
	for i, st := range d.Steps {
		if st.Position != i+1 || st.Lang != "fr" || st.Title == "" || len(st.Sources) == 0 {
			t.Errorf("step %d: %+v", i+1, st)
		}
	}
	if d.Steps[1].Cost == nil || d.Steps[3].Cost != nil {
		t.Errorf("a cost where the sources give one, null elsewhere: %v, %v", d.Steps[1].Cost, d.Steps[3].Cost)
	}
	// By id as well as by slug; a language the guide lacks falls back to its source language.
	byID, err := s.Guide(ctx, d.ID, []string{"de"})
	if err != nil || byID.Slug != d.Slug || byID.Lang != "pt" || byID.Steps[0].Lang != "pt" {
		t.Fatalf("by id in de: %v %+v", err, byID)
	}
	if _, err := s.Guide(ctx, "no-such-guide", nil); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("unknown guide: %v", err)
	}

	// Links both ways: the guide names the incentives it explains, and they name the guide.
	ei, err := s.Guide(ctx, "cv-guide-emigrant-investor", []string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ei.Incentives) == 0 || len(ei.Programmes) == 0 {
		t.Fatalf("links: %d incentives, %d programmes", len(ei.Incentives), len(ei.Programmes))
	}
	back, err := s.GuidesOf(ctx, domain.KindIncentive, ei.Incentives[0].ID, []string{"en"})
	if err != nil || len(back) == 0 || back[0].Slug == "" {
		t.Fatalf("guides of %s: %v %v", ei.Incentives[0].Slug, err, back)
	}
	found := false
	for _, g := range back {
		found = found || g.Slug == ei.Slug
	}
	if !found {
		t.Errorf("incentive %s does not link back to %s: %v", ei.Incentives[0].Slug, ei.Slug, back)
	}
}

// Guides are searchable like the other content: stemmed, accents ignored, in any language,
// over titles and steps, ranked.
func TestGuidesSearch(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()
	search := func(q string) []string {
		t.Helper()
		list, err := s.Guides(ctx, domain.GuideFilter{Country: "CV", Query: q, Langs: []string{"pt"},
			SearchLangs: []string{"pt", "en", "fr", "kea", "simple"}})
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, g := range list {
			slugs = append(slugs, g.Slug)
		}
		return slugs
	}
	if got := search("conta emigrante"); len(got) == 0 || got[0] != "cv-guide-emigrant-account" {
		t.Errorf("conta emigrante: %v", got)
	}
	// A word of a step's body only, unaccented, in English.
	if got := search("apostille"); len(got) == 0 {
		t.Errorf("apostille (a step's text): nothing")
	}
	if got := search("CONVENCAO ESTABELECIMENTO"); len(got) == 0 || got[0] != "cv-guide-establishment-agreement" {
		t.Errorf("CONVENCAO ESTABELECIMENTO: %v", got)
	}
	if got := search("zzzqqq"); len(got) != 0 {
		t.Errorf("nonsense matched %v", got)
	}
}

// Reloading the seed changes nothing: same ids, same steps, no duplicated links.
func TestGuidesReload(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()
	before, err := s.Guide(ctx, "cv-guide-emigrant-investor", []string{"pt"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeed(ctx, c); err != nil {
		t.Fatal(err)
	}
	after, err := s.Guide(ctx, "cv-guide-emigrant-investor", []string{"pt"})
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID || len(after.Steps) != len(before.Steps) || len(after.Incentives) != len(before.Incentives) ||
		!after.PublishedAt.Equal(*before.PublishedAt) {
		t.Fatalf("reload changed the guide: %+v -> %+v", before.Guide, after.Guide)
	}
}

// Kabuverdianu is searched with the Portuguese configuration (migration 00032): stemmed,
// accents ignored, so "investimentu" and "investimentus" meet, and "kriolu" = "KRIÓLU".
func TestKeaSearchConfig(t *testing.T) {
	db, _ := testdb.New(t)
	var config string
	if err := db.Get(&config, `SELECT search_config('kea')::text`); err != nil || config != "pt_unaccent" {
		t.Fatalf("search_config(kea) = %q, %v", config, err)
	}
	var match bool
	if err := db.Get(&match, `SELECT to_tsvector(search_config('kea'), 'Oportunidadis di investimentu na Kriólu')
		@@ websearch_to_tsquery(search_config('kea'), 'oportunidadi kriolu')`); err != nil || !match {
		t.Fatalf("kea text not matched unaccented and stemmed: %v", err)
	}
}
