package repository_test

import (
	"context"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// The site map's parts are the prefixes of the public items' ids, kind by kind, and a part's
// slugs are those of its public items: published, examples only when shown, and open
// opportunities only when closed ones are hidden.
func TestSitemapHoldsThePublicItems(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// One published opportunity closes, one example is published, one incentive goes back to draft.
	for _, write := range []string{
		`UPDATE opportunities SET deadline = date '2001-01-01'
			WHERE id = (SELECT id FROM opportunities WHERE status = 'published' AND NOT illustrative ORDER BY id LIMIT 1)`,
		`UPDATE programmes SET illustrative = true WHERE id = (SELECT id FROM programmes WHERE status = 'published' ORDER BY id LIMIT 1)`,
		`UPDATE incentives SET status = 'draft', published_at = NULL WHERE id = (SELECT id FROM incentives WHERE status = 'published' ORDER BY id LIMIT 1)`,
	} {
		if _, err := s.DB().Exec(write); err != nil {
			t.Fatalf("%v\n%s", err, write)
		}
	}
	for _, public := range []bool{false, true} {
		if public {
			s.Public(false) // no examples, closed opportunities hidden
		}
		// What the site map must hold, as "kind/prefix/slug".
		var want []string
		for _, kind := range []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme} {
			open := "true"
			if kind == domain.KindOpportunity && public {
				open = "(deadline IS NULL OR deadline >= (now() AT TIME ZONE 'UTC')::date)"
			}
			want = append(want, sqlIDs(t, s.DB(), `SELECT $1 || '/' || left(id::text, 2) || '/' || slug FROM `+string(kind)+`
				WHERE status = 'published' AND (NOT illustrative OR NOT $2) AND `+open, string(kind), public)...)
		}
		parts, err := s.SitemapParts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got, partNames []string
		for _, p := range parts {
			partNames = append(partNames, string(p.Kind)+"/"+p.Prefix)
			slugs, err := s.SitemapSlugs(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(slugs) == 0 {
				t.Errorf("public %v: part %s/%s is empty", public, p.Kind, p.Prefix)
			}
			for _, slug := range slugs {
				got = append(got, string(p.Kind)+"/"+p.Prefix+"/"+slug)
			}
		}
		if !slices.IsSorted(partNames) {
			t.Errorf("public %v: parts not in order of kind and prefix: %v", public, partNames)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("public %v: site map holds\n%v\nwant\n%v", public, got, want)
		}
	}
}
