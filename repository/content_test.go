package repository_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

var langs = []string{"pt", "en", "fr", "es"}

func newStore(t *testing.T) *repository.Store {
	t.Helper()
	db, _ := testdb.New(t)
	return repository.New(db)
}

// allOpportunities follows cursors to the end of a list.
func allOpportunities(t *testing.T, s *repository.Store, f domain.ListFilter) []domain.Opportunity {
	t.Helper()
	var out []domain.Opportunity
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("cursor loop")
		}
		page, err := s.Opportunities(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if page.Next == nil {
			return out
		}
		f.After = page.Next
	}
}

func TestOpportunitiesOnlyPublishedNewestFirst(t *testing.T) {
	s := newStore(t)
	all := allOpportunities(t, s, domain.ListFilter{Limit: 3, Langs: []string{"en"}, SearchLangs: langs})
	if len(all) == 0 {
		t.Fatal("no opportunities")
	}
	seen := map[string]bool{}
	for i, o := range all {
		if o.Status != domain.StatusPublished {
			t.Errorf("%s has status %s", o.Slug, o.Status)
		}
		if seen[o.ID] {
			t.Errorf("%s listed twice", o.Slug)
		}
		seen[o.ID] = true
		if o.PublishedAt == nil {
			t.Fatalf("%s is listed without a publication time", o.Slug)
		}
		if i > 0 && o.PublishedAt.After(*all[i-1].PublishedAt) {
			t.Errorf("%s published after the one before it", o.Slug)
		}
		if o.Lang != "en" || !slices.Contains(o.Langs, "en") {
			t.Errorf("%s in %s, exists in %v; want en", o.Slug, o.Lang, o.Langs)
		}
	}
	var published int
	if err := s.DB().Get(&published, `SELECT count(*) FROM opportunities WHERE status = 'published'`); err != nil {
		t.Fatal(err)
	}
	if len(all) != published {
		t.Errorf("paged through %d, %d are published", len(all), published)
	}
}

func TestOpportunityDetailByIDAndSlug(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	page, err := s.Opportunities(ctx, domain.ListFilter{Limit: 1, Langs: []string{"fr"}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list: %v %v", page, err)
	}
	first := page.Items[0]
	for _, key := range []string{first.ID, first.Slug} {
		o, err := s.Opportunity(ctx, key, []string{"fr"})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if o.ID != first.ID || o.Lang != "fr" || o.Description == "" {
			t.Errorf("%s: got id %s lang %s description %q", key, o.ID, o.Lang, o.Description)
		}
	}
	if _, err := s.Opportunity(ctx, "00000000-0000-0000-0000-000000000000", nil); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	var draft string
	if err := s.DB().Get(&draft, `SELECT slug FROM opportunities WHERE status <> 'published' LIMIT 1`); err == nil {
		if _, err := s.Opportunity(ctx, draft, nil); !errors.Is(err, repository.ErrNotFound) {
			t.Errorf("unpublished %s: %v", draft, err)
		}
	}
}
