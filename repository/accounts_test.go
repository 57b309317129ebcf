package repository_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/repository"
)

func TestUsersAreUniqueWhateverTheCase(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, "Ana@Example.org", "h", "Ana", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ana@example.ORG", "h", "", nil); !errors.Is(err, repository.ErrConflict) {
		t.Errorf("same e-mail in another case: %v", err)
	}
	u, err := s.UserByEmail(ctx, "ANA@EXAMPLE.ORG")
	if err != nil || u.Email != "Ana@Example.org" || u.Role != "investor" {
		t.Errorf("lookup: %+v %v", u, err)
	}
	// An administrator account is made once; promoting an existing account keeps its password.
	if err := s.CreateAdmin(ctx, "root@example.org", "root-hash"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAdmin(ctx, "ROOT@example.org", "x"); !errors.Is(err, repository.ErrConflict) {
		t.Errorf("second admin with the same e-mail: %v", err)
	}
	if err := s.MakeAdmin(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	u, _ = s.UserByEmail(ctx, "ana@example.org")
	if u.Role != "admin" || u.PasswordHash != "h" {
		t.Errorf("after MakeAdmin: role %s hash %s", u.Role, u.PasswordHash)
	}
}

func TestRefreshTokenRotationAndReuse(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "rui@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := s.CreateRefreshToken(ctx, u.ID, "", []byte("first"), later); err != nil {
		t.Fatal(err)
	}
	if owner, err := s.RotateRefreshToken(ctx, []byte("first"), []byte("second"), later); err != nil || owner.ID != u.ID {
		t.Fatalf("rotate: %v %v", owner, err)
	}
	if _, err := s.RotateRefreshToken(ctx, []byte("first"), []byte("third"), later); !errors.Is(err, repository.ErrTokenReused) {
		t.Errorf("reuse: %v", err)
	}
	if _, err := s.RotateRefreshToken(ctx, []byte("second"), []byte("fourth"), later); !errors.Is(err, repository.ErrTokenInvalid) {
		t.Errorf("the family should be revoked: %v", err)
	}
	if err := s.CreateRefreshToken(ctx, u.ID, "", []byte("old"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateRefreshToken(ctx, []byte("old"), []byte("x"), later); !errors.Is(err, repository.ErrTokenInvalid) {
		t.Errorf("expired: %v", err)
	}
	// Erasure takes the tokens with the account.
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM refresh_tokens`); err != nil || n != 0 {
		t.Errorf("%d tokens left (%v)", n, err)
	}
}

// Concurrent hits on one bucket are all counted exactly once: the counter is one atomic upsert,
// so it holds for any number of API instances.
func TestRateLimitCountsEveryHitOnce(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const n = 40
	counts := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, reset, err := s.HitRateLimit(ctx, "test:bucket", time.Hour)
			if err != nil || !reset.After(time.Now()) {
				t.Errorf("hit: %v, reset %v", err, reset)
			}
			counts[i] = c
		}()
	}
	wg.Wait()
	sort.Ints(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("counts %v: not 1..%d", counts, n)
		}
	}
	if c, _, err := s.PeekRateLimit(ctx, "test:bucket", time.Hour); err != nil || c != n {
		t.Errorf("peek %d %v", c, err)
	}
	if c, _, _ := s.PeekRateLimit(ctx, "test:other", time.Hour); c != 0 {
		t.Errorf("an untouched bucket counts %d", c)
	}
	if err := s.PruneRateLimits(ctx, time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := s.PeekRateLimit(ctx, "test:bucket", time.Hour); c != 0 {
		t.Errorf("after pruning: %d", c)
	}
}

// A refresh racing a logout or a password change never leaves a usable token behind.
func TestRefreshRacesNeverOutliveRevocation(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "race@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	for trial := range 30 {
		old := []byte(fmt.Sprintf("old-%d", trial))
		next := []byte(fmt.Sprintf("next-%d", trial))
		if err := s.CreateRefreshToken(ctx, u.ID, "", old, later); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = s.RotateRefreshToken(ctx, old, next, later) }()
		go func() {
			defer wg.Done()
			var err error
			if trial%2 == 0 {
				err = s.RevokeRefreshFamily(ctx, old)
			} else {
				err = s.ChangePassword(ctx, u.ID, "h2")
			}
			if err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		if _, err := s.RotateRefreshToken(ctx, next, []byte(fmt.Sprintf("after-%d", trial)), later); err == nil {
			t.Fatalf("trial %d: the token made by the racing refresh survived the revocation", trial)
		}
	}
}
