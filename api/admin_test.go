package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/repository"
)

func TestEnsureAdminCannotBeHijackedByRegistration(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	store := repository.New(a.db)
	// Someone registers the operator's address first, with their own password.
	expect(t, a.send(http.MethodPost, "/v1/auth/register", map[string]any{"email": "Founder@Example.org", "password": "attacker long passphrase"}), http.StatusCreated)
	if err := api.EnsureAdmin(ctx, store, "founder@example.org", "operator chosen passphrase"); err == nil {
		t.Fatal("an account registered by someone else was made administrator")
	}
	if u, _ := store.UserByEmail(ctx, "founder@example.org"); u.Role != "investor" {
		t.Errorf("role %s", u.Role)
	}
	// A fresh address: created once, then left alone.
	for range 2 {
		if err := api.EnsureAdmin(ctx, store, "admin@example.org", "operator chosen passphrase"); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := store.UserByEmail(ctx, "admin@example.org"); err != nil || u.Role != "admin" {
		t.Errorf("admin: %+v %v", u, err)
	}
	// The operator's own existing account (same password) is promoted.
	if err := api.EnsureAdmin(ctx, store, "founder@example.org", "attacker long passphrase"); err != nil {
		t.Fatal(err)
	}
	if err := api.EnsureAdmin(ctx, store, "admin@example.org", "short"); err == nil {
		t.Error("a refused password was accepted")
	}
}
