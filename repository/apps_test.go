package repository_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

func keyInput(name string, scopes ...string) repository.APIKeyInput {
	sum := sha256.Sum256([]byte(name))
	return repository.APIKeyInput{Name: name, Hash: sum[:], Prefix: "dim_live_" + name[:min(8, len(name))],
		Scopes: scopes, ExpiresAt: time.Now().Add(time.Hour)}
}

// TestAPIKeyLimitHoldsUnderConcurrency: many creations at once never pass the limit of live keys.
func TestAPIKeyLimitHoldsUnderConcurrency(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "keys@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const tries = repository.MaxAPIKeys + 10
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.CreateAPIKey(ctx, u.ID, keyInput(fmt.Sprintf("key-%02d", i), "catalogue:read"))
		}()
	}
	wg.Wait()
	created, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case errors.Is(err, repository.ErrTooMany):
			refused++
		default:
			t.Errorf("create: %v", err)
		}
	}
	if created != repository.MaxAPIKeys || refused != tries-repository.MaxAPIKeys {
		t.Errorf("%d created, %d refused; want %d and %d", created, refused, repository.MaxAPIKeys, tries-repository.MaxAPIKeys)
	}
	keys, err := s.APIKeys(ctx, u.ID)
	if err != nil || len(keys) != repository.MaxAPIKeys {
		t.Fatalf("%d keys listed, %v", len(keys), err)
	}
	// A revoked key makes room.
	if err := s.RevokeAPIKey(ctx, u.ID, keys[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAPIKey(ctx, u.ID, keyInput("one-more", "catalogue:read")); err != nil {
		t.Errorf("after a revocation: %v", err)
	}
}

func TestAPIKeyLookupAndRevocation(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()
	ana, err := s.CreateUser(ctx, "ana@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	bo, err := s.CreateUser(ctx, "bo@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	in := keyInput("portal", "catalogue:read", "saved:read")
	k, err := s.CreateAPIKey(ctx, ana.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "portal" || len(k.Scopes) != 2 || k.LastUsedAt != nil || k.RevokedAt != nil {
		t.Errorf("created %+v", k)
	}

	if _, _, err := s.APIKeyByHash(ctx, []byte("unknown")); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
	got, user, err := s.APIKeyByHash(ctx, in.Hash)
	if err != nil || got.ID != k.ID || user.ID != ana.ID || got.LastUsedAt == nil || !got.HasScope("saved:read") {
		t.Fatalf("lookup: %+v %+v %v", got, user, err)
	}
	// The use is recorded at most once a minute.
	first := *got.LastUsedAt
	again, _, err := s.APIKeyByHash(ctx, in.Hash)
	if err != nil || again.LastUsedAt == nil || !again.LastUsedAt.Equal(first) {
		t.Errorf("second lookup: last used %v, first %v (%v)", again.LastUsedAt, first, err)
	}

	// Only its owner revokes it; a revoked key keeps its first revocation time.
	if err := s.RevokeAPIKey(ctx, bo.ID, k.ID); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("revoked by another user: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, ana.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	revoked, _, err := s.APIKeyByHash(ctx, in.Hash)
	if err != nil || revoked.RevokedAt == nil {
		t.Fatalf("a revoked key is still found, marked revoked: %+v %v", revoked, err)
	}
	if _, err := db.Exec(`UPDATE api_keys SET revoked_at = revoked_at - interval '1 hour' WHERE id = $1`, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, ana.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	var stillEarlier bool
	if err := db.Get(&stillEarlier, `SELECT revoked_at < now() - interval '59 minutes' FROM api_keys WHERE id = $1`, k.ID); err != nil || !stillEarlier {
		t.Errorf("revoking again moved revoked_at (%v)", err)
	}
	// Erasing the account erases its keys.
	if _, err := db.Exec(`DELETE FROM users WHERE id = $1`, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.APIKeyByHash(ctx, in.Hash); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("a key of an erased account: %v", err)
	}
}

// TestChangeLog reads the log the triggers write: in order, by country, and nothing written by
// a transaction that rolls back or by a seed reload that changes nothing.
func TestChangeLog(t *testing.T) {
	db, _ := testdb.New(t)
	s := repository.New(db)
	ctx := context.Background()
	last, err := s.LastChange(ctx)
	if err != nil || last == 0 {
		t.Fatalf("last change of the seeded log: %d %v", last, err)
	}
	var all []domain.Change
	for after := int64(0); ; {
		page, err := s.Changes(ctx, after, "", 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if c.Seq <= after {
				t.Fatalf("seq %d after %d", c.Seq, after)
			}
			after = c.Seq
		}
		all = append(all, page...)
	}
	if all[len(all)-1].Seq != last {
		t.Errorf("the walk ends at %d, the log at %d", all[len(all)-1].Seq, last)
	}
	var published int
	if err := db.Get(&published, `SELECT (SELECT count(*) FROM opportunities WHERE status = 'published')
		+ (SELECT count(*) FROM incentives WHERE status = 'published') + (SELECT count(*) FROM programmes WHERE status = 'published')`); err != nil {
		t.Fatal(err)
	}
	if len(all) != published {
		t.Errorf("%d entries after the seed, %d published items", len(all), published)
	}
	cv, err := s.Changes(ctx, 0, "CV", 1000)
	if err != nil || len(cv) == 0 {
		t.Fatalf("CV: %d %v", len(cv), err)
	}
	for _, c := range cv {
		if c.Country != "CV" {
			t.Errorf("country=CV gave %+v", c)
		}
	}

	// A rolled-back change leaves nothing.
	tx := db.MustBegin()
	tx.MustExec(`UPDATE opportunities SET status = 'archived' WHERE status = 'published'`)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	// Loading the same seed again changes nothing, so it writes nothing.
	content, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeed(ctx, content); err != nil {
		t.Fatal(err)
	}
	if now, err := s.LastChange(ctx); err != nil || now != last {
		t.Errorf("after a rollback and a seed reload the log ends at %d, before at %d (%v)", now, last, err)
	}
	if more, err := s.Changes(ctx, last, "", 10); err != nil || len(more) != 0 {
		t.Errorf("%d changes after the end (%v)", len(more), err)
	}
}
