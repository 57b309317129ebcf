package guides_test

import (
	"context"
	"errors"
	"testing"

	"github.com/diaspora-investor/marketplace/app/guides"
	"github.com/diaspora-investor/marketplace/domain"
)

type fakeStore struct{ asked []string }

func (f *fakeStore) Guides(context.Context, domain.GuideFilter) ([]domain.Guide, error) {
	return []domain.Guide{{Slug: "g"}}, nil
}

func (f *fakeStore) Guide(_ context.Context, id string, _ []string) (*domain.GuideDetail, error) {
	f.asked = append(f.asked, id)
	if id == "known" {
		return &domain.GuideDetail{Guide: domain.Guide{Slug: "known"}}, nil
	}
	return nil, domain.ErrNotFound
}

func (f *fakeStore) GuidesOf(_ context.Context, kind domain.Kind, _ string, _ []string) ([]domain.ItemRef, error) {
	return []domain.ItemRef{{Slug: string(kind)}}, nil
}

func TestGet(t *testing.T) {
	f := &fakeStore{}
	s := guides.New(f)
	if g, err := s.Get(context.Background(), "known", nil); err != nil || g.Slug != "known" {
		t.Fatalf("known: %v %v", g, err)
	}
	var nf domain.NotFound
	if _, err := s.Get(context.Background(), "unknown", nil); !errors.As(err, &nf) || nf.Resource != "guide" {
		t.Fatalf("unknown: %v", err)
	}
	// Something that cannot be an id or a slug never reaches the store.
	if _, err := s.Get(context.Background(), "a b/c", nil); !errors.Is(err, domain.ErrNotFound) || len(f.asked) != 2 {
		t.Fatalf("bad id: %v, store asked %v", err, f.asked)
	}
}

func TestOf(t *testing.T) {
	s := guides.New(&fakeStore{})
	if refs, _ := s.Of(context.Background(), domain.KindOpportunity, "x", nil); len(refs) != 0 {
		t.Fatalf("opportunities have no guides: %v", refs)
	}
	if refs, _ := s.Of(context.Background(), domain.KindProgramme, "x", nil); len(refs) != 1 {
		t.Fatalf("programme: %v", refs)
	}
}
