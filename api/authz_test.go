package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// TestContentAuthorization is the table of who may do what to whose content in which
// status, asked through the real app: every role × action × ownership × status.
//
// Roles and ownership: anonymous; an investor (no organization); a member of the owning
// organization, verified or not; a member of another (verified) organization; an
// administrator. The expected answers are written out here from DESIGN.md's workflow, not
// derived from the code under test.
func TestContentAuthorization(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	store := repository.New(a.db)
	admin := a.admin("admin@example.org")
	verified := a.founder("owner@verified.cv", "Verified Agency")
	a.verify(admin, verified.org)
	unverified := a.founder("owner@unverified.cv", "Unverified Agency")
	other := a.founder("owner@other.cv", "Other Agency")
	a.verify(admin, other.org)
	investor := a.user("investor@example.org")

	type role struct {
		name  string
		token string
		org   string // the organization that owns the items this role is tried on
	}
	roles := []role{
		{"anonymous", "", verified.org},
		{"investor", investor.access, verified.org},
		{"member of the owner (verified)", verified.access, verified.org},
		{"member of the owner (unverified)", unverified.access, unverified.org},
		{"member of another organization", other.access, verified.org},
		{"administrator", admin.access, verified.org},
	}
	editor := map[string]bool{"member of the owner (verified)": true, "member of the owner (unverified)": true, "administrator": true}

	type action struct {
		name   string
		method string
		path   string // after /v1/opportunities/{id}
		body   any
	}
	actions := []action{
		{"view", http.MethodGet, "", nil},
		{"edit", http.MethodPatch, "", map[string]any{"jobs": 5}},
		{"translate", http.MethodPut, "/translations/fr", map[string]any{"title": "Écotourisme", "summary": "Résumé", "description": "Description"}},
		{"delete", http.MethodDelete, "", nil},
		{"submit", http.MethodPost, "/submit", nil},
		{"publish", http.MethodPost, "/publish", nil},
		{"reject", http.MethodPost, "/reject", map[string]any{"reason": "Falta a licença ambiental."}},
		{"archive", http.MethodPost, "/archive", nil},
		{"history", http.MethodGet, "/history", nil},
	}
	statuses := []string{domain.StatusDraft, domain.StatusInReview, domain.StatusPublished, domain.StatusArchived}

	want := func(r role, act, status string) int {
		published := status == domain.StatusPublished
		if r.name == "anonymous" {
			if act == "view" && published {
				return http.StatusOK
			}
			if act == "view" {
				return http.StatusNotFound
			}
			return http.StatusUnauthorized
		}
		visible := published || editor[r.name]
		switch {
		case !visible:
			return http.StatusNotFound
		case act == "view":
			return http.StatusOK
		case !editor[r.name]:
			return http.StatusForbidden
		}
		conflictUnless := func(ok bool, code int) int {
			if ok {
				return code
			}
			return http.StatusConflict
		}
		switch act {
		case "history":
			return http.StatusOK
		case "edit":
			return conflictUnless(status != domain.StatusArchived, http.StatusOK)
		case "translate":
			return conflictUnless(status != domain.StatusArchived, http.StatusCreated)
		case "delete":
			return conflictUnless(status == domain.StatusDraft, http.StatusNoContent)
		case "submit":
			return conflictUnless(status == domain.StatusDraft, http.StatusOK)
		case "publish":
			if r.name == "member of the owner (unverified)" {
				return http.StatusForbidden
			}
			return conflictUnless(status == domain.StatusInReview, http.StatusOK)
		case "reject":
			if r.name != "administrator" {
				return http.StatusForbidden
			}
			return conflictUnless(status == domain.StatusInReview, http.StatusOK)
		case "archive":
			return conflictUnless(published, http.StatusOK)
		}
		t.Fatalf("no rule for %s", act)
		return 0
	}

	asAdmin := domain.Actor{UserID: admin.id, Admin: true}
	newItem := func(org, status string) string {
		title := "Item " + status
		id, err := store.CreateContent(ctx, domain.KindOpportunity, asAdmin, org, "CV", domain.ContentChange{
			Sectors: domain.Some([]string{"tourism"}),
			Lang:    domain.Some("pt"), Title: domain.Some(title), Summary: domain.Some(title), Description: domain.Some(title),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.Exec(`UPDATE opportunities SET status = $2,
			published_at = CASE WHEN $2 IN ('published', 'archived') THEN now() END,
			submitted_at = CASE WHEN $2 = 'in_review' THEN now() END WHERE id = $1`, id, status); err != nil {
			t.Fatal(err)
		}
		if err := repository.RefreshReadModel(ctx, a.db, domain.KindOpportunity, id); err != nil {
			t.Fatal(err)
		}
		return id
	}

	for _, r := range roles {
		for _, act := range actions {
			for _, status := range statuses {
				id := newItem(r.org, status)
				var header []string
				if r.token != "" {
					header = bearer(r.token)
				}
				got := a.send(act.method, "/v1/opportunities/"+id+act.path, act.body, header...)
				if w := want(r, act.name, status); got.status != w {
					t.Errorf("%s, %s, %s item: %d, want %d (%s)", r.name, act.name, status, got.status, w, got.body)
				}
			}
		}
	}
	// Creating: investors and other countries are refused.
	body := map[string]any{"country": "CV", "sectors": []string{"ict"}, "lang": "en", "title": "T", "summary": "S", "description": "D"}
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities", body, bearer(investor.access)...), http.StatusForbidden, "/problems/forbidden")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities", body), http.StatusUnauthorized, "/problems/unauthorized")
	body["country"] = "SN"
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities", body, bearer(verified.access)...), http.StatusForbidden, "/problems/forbidden")
	body["organization_id"] = verified.org
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities", body, bearer(verified.access)...), http.StatusForbidden, "/problems/forbidden")
	body["organization_id"] = other.org
	body["country"] = "CV"
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities", body, bearer(verified.access)...), http.StatusForbidden, "/problems/forbidden")
}

// TestDecideOtherCountryMember covers what HTTP cannot reach: a member of an organization of
// another country (content is always created in its organization's country).
func TestDecideOtherCountryMember(t *testing.T) {
	a := domain.Actor{UserID: "u", Orgs: map[string]domain.Membership{"org": {Role: domain.RoleMember, Country: "SN", Verified: true}}}
	item := domain.Owned{OrgID: "org", OrgVerified: true, Country: "CV", Status: domain.StatusPublished}
	if d := domain.Decide(a, domain.ActionEdit, item); d != domain.Forbidden {
		t.Errorf("a member edits content of another country: %v", d)
	}
	if d := domain.DecideCreate(a, "org", "SN", "CV"); d != domain.OtherCountry {
		t.Errorf("a member posts for another country: %v", d)
	}
}
