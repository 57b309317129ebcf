package integrations_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/app/integrations"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

func newService(t *testing.T) (*integrations.Service, *domain.User) {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	u, err := store.CreateUser(context.Background(), "app@example.org", "h", "App", nil)
	if err != nil {
		t.Fatal(err)
	}
	return integrations.New(store), u
}

func fieldCodes(err error) map[string]string {
	var v *domain.Invalid
	if !errors.As(err, &v) {
		return nil
	}
	out := map[string]string{}
	for _, f := range v.Fields {
		out[f.Name] = f.Code
	}
	return out
}

func days(n int) *int { return &n }

func TestCreateKeyChecksInput(t *testing.T) {
	svc, u := newService(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		in   integrations.KeyRequest
		want map[string]string
	}{
		{"no name", integrations.KeyRequest{Name: " ", Scopes: []string{"catalogue:read"}}, map[string]string{"name": "required"}},
		{"long name", integrations.KeyRequest{Name: strings.Repeat("n", integrations.MaxKeyName+1), Scopes: []string{"catalogue:read"}}, map[string]string{"name": "too_long"}},
		{"line break", integrations.KeyRequest{Name: "a\nb", Scopes: []string{"catalogue:read"}}, map[string]string{"name": "invalid_encoding"}},
		{"no scope", integrations.KeyRequest{Name: "x"}, map[string]string{"scopes": "required"}},
		{"unknown scope", integrations.KeyRequest{Name: "x", Scopes: []string{"admin"}}, map[string]string{"scopes": "unknown_code"}},
		{"never expires", integrations.KeyRequest{Name: "x", Scopes: []string{"catalogue:read"}, ExpiresInDays: days(0)}, map[string]string{"expires_in_days": "out_of_range"}},
		{"too long", integrations.KeyRequest{Name: "x", Scopes: []string{"catalogue:read"}, ExpiresInDays: days(366)}, map[string]string{"expires_in_days": "out_of_range"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := svc.CreateKey(ctx, u, c.in)
			got := fieldCodes(err)
			if len(got) != len(c.want) {
				t.Fatalf("errors %v (%v), want %v", got, err, c.want)
			}
			for name, code := range c.want {
				if got[name] != code {
					t.Errorf("%s: got %q, want %q", name, got[name], code)
				}
			}
		})
	}
}

func TestKeyLifecycle(t *testing.T) {
	svc, u := newService(t)
	ctx := context.Background()
	k, secret, err := svc.CreateKey(ctx, u, integrations.KeyRequest{Name: " Portal ", Scopes: []string{"profile:read", "catalogue:read", "profile:read"}})
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "Portal" || len(k.Scopes) != 2 || !strings.HasPrefix(secret, domain.APIKeyPrefix) || !strings.HasPrefix(secret, k.Prefix) {
		t.Errorf("key %+v, secret %q", k, secret)
	}
	if got, err := svc.Key(ctx, u, k.ID); err != nil || got.ID != k.ID {
		t.Errorf("key: %v", err)
	}
	for _, c := range []struct {
		name, key string
		want      error
	}{
		{"the key", secret, nil},
		{"not ours", "sk_" + secret, integrations.ErrKeyInvalid},
		{"unknown", domain.APIKeyPrefix + "nothing", integrations.ErrKeyInvalid},
		{"too long", secret + strings.Repeat("x", 100), integrations.ErrKeyInvalid},
	} {
		got, user, err := svc.Authenticate(ctx, c.key)
		if !errors.Is(err, c.want) || (c.want == nil && (got.ID != k.ID || user.ID != u.ID)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name, id string
		want     error
	}{
		{"not an id", "nope", domain.ErrNotFound},
		{"someone else's", "00000000-0000-0000-0000-000000000000", domain.ErrNotFound},
		{"the key", k.ID, nil},
		{"again", k.ID, nil},
	} {
		if err := svc.Revoke(ctx, u, c.id); !errors.Is(err, c.want) {
			t.Errorf("revoke %s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, _, err := svc.Authenticate(ctx, secret); !errors.Is(err, integrations.ErrKeyRevoked) {
		t.Errorf("a revoked key: %v", err)
	}
	if _, err := svc.Key(ctx, u, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("an unknown key: %v", err)
	}
}

func TestTooManyKeys(t *testing.T) {
	svc, u := newService(t)
	ctx := context.Background()
	for range domain.MaxAPIKeys {
		if _, _, err := svc.CreateKey(ctx, u, integrations.KeyRequest{Name: "k", Scopes: []string{"catalogue:read"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := svc.CreateKey(ctx, u, integrations.KeyRequest{Name: "k", Scopes: []string{"catalogue:read"}})
	if !errors.Is(err, domain.ErrTooManyKeys) || !errors.Is(err, domain.ErrTooMany) {
		t.Errorf("one key too many: %v", err)
	}
}

func TestChanges(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	first, err := svc.Changes(ctx, integrations.ChangesQuery{Limit: 2})
	if err != nil || len(first.Items) != 2 || !first.More {
		t.Fatalf("first page: %d items, more %v, %v", len(first.Items), first.More, err)
	}
	next, err := svc.Changes(ctx, integrations.ChangesQuery{Cursor: first.Resume, Limit: 2})
	if err != nil || len(next.Items) == 0 || next.Items[0].Seq <= first.Items[1].Seq {
		t.Fatalf("next page: %+v, %v", next, err)
	}
	for _, c := range []struct {
		name string
		q    integrations.ChangesQuery
		want map[string]string
	}{
		{"bad cursor", integrations.ChangesQuery{Cursor: "!!", Limit: 1}, map[string]string{"cursor": "invalid_cursor"}},
		{"negative cursor", integrations.ChangesQuery{Cursor: "eyJzIjotMX0", Limit: 1}, map[string]string{"cursor": "invalid_cursor"}},
		{"unknown country", integrations.ChangesQuery{Country: "ZZ", Limit: 1}, map[string]string{"country": "unknown_country"}},
		{"both", integrations.ChangesQuery{Cursor: "!!", Country: "cvv", Limit: 1}, map[string]string{"cursor": "invalid_cursor", "country": "unknown_country"}},
		{"a country in lower case", integrations.ChangesQuery{Country: "cv", Limit: 1}, nil},
	} {
		page, err := svc.Changes(ctx, c.q)
		got := fieldCodes(err)
		if len(got) != len(c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		for name, code := range c.want {
			if got[name] != code {
				t.Errorf("%s: %s %q, want %q", c.name, name, got[name], code)
			}
		}
		for _, ch := range page.Items {
			if ch.Country != "CV" {
				t.Errorf("%s: a change of %s", c.name, ch.Country)
			}
		}
	}
}

func TestOpportunityFeed(t *testing.T) {
	svc, _ := newService(t)
	f, err := svc.OpportunityFeed(context.Background(), "CV", []string{"en"}, []string{"pt", "en", "fr", "simple"})
	if err != nil || f.Country.Name == "" || len(f.Items) == 0 || len(f.Items) > integrations.FeedSize {
		t.Fatalf("feed: %q, %d items, %v", f.Country.Name, len(f.Items), err)
	}
	if _, err := svc.OpportunityFeed(context.Background(), "ZZ", nil, nil); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("an unknown country: %v", err)
	}
}
