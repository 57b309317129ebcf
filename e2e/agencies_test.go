package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestServerAgencyWalk is issue 4's "done when" against the real server binary: a user founds
// an organization, drafts an opportunity the public cannot see, cannot publish it until an
// administrator verifies the organization, publishes it, adds an English translation without
// touching the Portuguese, keeps another organization out, receives an interest in its inbox
// only, reads every step in the history, and archives it out of the public lists.
func TestServerAgencyWalk(t *testing.T) {
	const adminEmail, adminPassword = "operator@example.org", "operator long passphrase 2026"
	s, _, _ := startServer(t, "ADMIN_EMAIL="+adminEmail, "ADMIN_PASSWORD="+adminPassword)
	must := func(r reply, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		if len(r.body) == 0 {
			return nil
		}
		return r.object(t)
	}
	login := func(email, password string, register bool) string {
		t.Helper()
		if register {
			must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, ""), http.StatusCreated)
		}
		return must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusOK)["access_token"].(string)
	}
	admin := login(adminEmail, adminPassword, false)
	ana := login("ana@agency.cv", "ana long passphrase 2026", true)
	rui := login("rui@other.cv", "rui long passphrase 2026", true)
	investor := login("ze@example.org", "ze long passphrase 2026", true)

	org := must(s.json(http.MethodPost, "/v1/organizations", map[string]any{"name": "Agência de Ecoturismo", "country": "CV", "type": "investment_promotion_agency"}, ana), http.StatusCreated)["id"].(string)
	otherOrg := must(s.json(http.MethodPost, "/v1/organizations", map[string]any{"name": "Outra Agência", "country": "CV", "type": "chamber"}, rui), http.StatusCreated)["id"].(string)
	must(s.json(http.MethodPost, "/v1/organizations/"+otherOrg+"/verify", nil, admin), http.StatusOK)

	created := s.json(http.MethodPost, "/v1/opportunities", map[string]any{
		"country": "CV", "sectors": []string{"tourism"}, "region": "boa_vista", "lang": "pt",
		"title": "Ecoturismo na Boa Vista", "summary": "Alojamento sustentável.", "description": "Projeto de 20 quartos.",
	}, ana)
	id := must(created, http.StatusCreated)["id"].(string)
	listed := func() bool {
		for _, it := range must(s.do(http.MethodGet, "/v1/countries/CV/opportunities?limit=100", nil, nil), http.StatusOK)["items"].([]any) {
			if it.(map[string]any)["id"] == id {
				return true
			}
		}
		return false
	}
	must(s.do(http.MethodGet, "/v1/opportunities/"+id, nil, nil), http.StatusNotFound)
	must(s.json(http.MethodGet, "/v1/opportunities/"+id, nil, rui), http.StatusNotFound)
	if listed() {
		t.Fatal("a draft is listed")
	}
	must(s.json(http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, ana), http.StatusOK)
	must(s.json(http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, ana), http.StatusForbidden)
	must(s.json(http.MethodPost, "/v1/organizations/"+org+"/verify", nil, admin), http.StatusOK)
	published := s.json(http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, ana)
	must(published, http.StatusOK)
	// The cache hears of the change through PostgreSQL, asynchronously: within a moment, not at
	// once (the scale test holds the delay under a second on a quiet machine).
	waitFor(t, 5*time.Second, "a published opportunity is listed", listed)

	pt := must(s.do(http.MethodGet, "/v1/opportunities/"+id+"?lang=pt", nil, nil), http.StatusOK)
	must(s.json(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{
		"title": "Ecotourism on Boa Vista", "summary": "Sustainable lodging.", "description": "A 20-room project."}, ana), http.StatusCreated)
	en := must(s.do(http.MethodGet, "/v1/opportunities/"+id+"?lang=en", nil, nil), http.StatusOK)
	ptAfter := must(s.do(http.MethodGet, "/v1/opportunities/"+id+"?lang=pt", nil, nil), http.StatusOK)
	if en["title"] != "Ecotourism on Boa Vista" || ptAfter["title"] != pt["title"] || ptAfter["summary"] != pt["summary"] {
		t.Errorf("translation: en %v; pt %v → %v", en["title"], pt["title"], ptAfter["title"])
	}

	// The other organization can neither change, translate nor delete it.
	must(s.json(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 1}, rui), http.StatusForbidden)
	must(s.json(http.MethodPut, "/v1/opportunities/"+id+"/translations/fr", map[string]any{"title": "x", "summary": "x", "description": "x"}, rui), http.StatusForbidden)
	must(s.json(http.MethodDelete, "/v1/opportunities/"+id, nil, rui), http.StatusForbidden)

	// Two edits from the same version at once: one wins, the other is told it is stale.
	etag := s.do(http.MethodGet, "/v1/opportunities/"+id, nil, map[string]string{"Authorization": "Bearer " + ana}).header.Get("ETag")
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = s.do(http.MethodPatch, "/v1/opportunities/"+id, jsonBody(t, map[string]any{"jobs": 10 + i}),
				map[string]string{"Authorization": "Bearer " + ana, "Content-Type": "application/json", "If-Match": etag}).status
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusOK, http.StatusPreconditionFailed}) {
		t.Errorf("concurrent edits: %v", statuses)
	}

	// The investor's interest reaches the agency's inbox, and only it.
	interest := must(s.json(http.MethodPost, "/v1/opportunities/"+id+"/interests", map[string]any{"message": "Tenho interesse.", "share": []string{"email"}}, investor), http.StatusCreated)
	inbox := must(s.json(http.MethodGet, "/v1/organizations/"+org+"/interests", nil, ana), http.StatusOK)["items"].([]any)
	if len(inbox) != 1 || inbox[0].(map[string]any)["id"] != interest["id"] {
		t.Errorf("inbox %v", inbox)
	}
	if other := must(s.json(http.MethodGet, "/v1/organizations/"+otherOrg+"/interests", nil, rui), http.StatusOK)["items"].([]any); len(other) != 0 {
		t.Errorf("the other organization's inbox %v", other)
	}
	if mine := must(s.json(http.MethodGet, "/v1/me/interests", nil, investor), http.StatusOK)["items"].([]any); len(mine) != 1 {
		t.Errorf("my interests %v", mine)
	}

	must(s.json(http.MethodPost, "/v1/opportunities/"+id+"/archive", nil, ana), http.StatusOK)
	must(s.do(http.MethodGet, "/v1/opportunities/"+id, nil, nil), http.StatusNotFound)
	waitFor(t, 5*time.Second, "an archived opportunity leaves the list", func() bool { return !listed() })
	var actions []string
	for _, e := range must(s.json(http.MethodGet, "/v1/opportunities/"+id+"/history", nil, ana), http.StatusOK)["items"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(map[string]any)["code"].(string))
	}
	if want := []string{"create", "submit", "publish", "translate", "update", "archive"}; !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
}

// jsonBody encodes v as a request body.
func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}
