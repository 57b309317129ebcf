package accounts_test

import (
	"context"
	"testing"

	"github.com/diaspora-investor/marketplace/app/accounts"
)

// Moved from the HTTP layer's tests with EnsureAdmin; the registration goes through the use
// case instead of POST /v1/auth/register.
func TestEnsureAdminCannotBeHijackedByRegistration(t *testing.T) {
	t.Parallel()
	s, store, _ := newService(t)
	ctx := context.Background()
	// Someone registers the operator's address first, with their own password.
	if _, err := s.Register(ctx, accounts.Registration{Email: "Founder@Example.org", Password: "attacker long passphrase"}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureAdmin(ctx, "founder@example.org", "operator chosen passphrase"); err == nil {
		t.Fatal("an account registered by someone else was made administrator")
	}
	if u, _ := store.UserByEmail(ctx, "founder@example.org"); u.Role != "investor" {
		t.Errorf("role %s", u.Role)
	}
	// A fresh address: created once, then left alone.
	for range 2 {
		if err := s.EnsureAdmin(ctx, "admin@example.org", "operator chosen passphrase"); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := store.UserByEmail(ctx, "admin@example.org"); err != nil || u.Role != "admin" {
		t.Errorf("admin: %+v %v", u, err)
	}
	// The operator's own existing account (same password) is promoted.
	if err := s.EnsureAdmin(ctx, "founder@example.org", "attacker long passphrase"); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureAdmin(ctx, "admin@example.org", "short"); err == nil {
		t.Error("a refused password was accepted")
	}
}
