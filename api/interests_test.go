package api_test

import (
	"net/http"
	"sync"
	"testing"
)

func TestInterests(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	a.verify(admin, ana.org)
	id, _ := a.draft(ana)
	zé := a.user("ze@example.org")
	send := func(body map[string]any, header ...string) response {
		return a.send(http.MethodPost, "/v1/opportunities/"+id+"/interests", body, append(bearer(zé.access), header...)...)
	}
	msg := map[string]any{"message": "Tenho interesse."}
	// Drafts take no interest: they do not exist for investors.
	problemOf(t, send(msg), http.StatusNotFound, "/problems/not-found")
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, bearer(ana.access)...), http.StatusOK)
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, bearer(ana.access)...), http.StatusOK)

	// Bad input.
	p := problemOf(t, send(map[string]any{"message": "", "amount": map[string]any{"amount": "-5", "currency": "EUR"}, "share": []string{"password_hash"}}),
		http.StatusBadRequest, "/problems/invalid-body")
	if e := fieldErrors(p); e["message"] != "required" || e["amount"] != "invalid_amount" || e["share"] != "unknown_code" {
		t.Errorf("errors %v", e)
	}
	problemOf(t, send(map[string]any{"message": "x", "amount": map[string]any{"amount": "10", "currency": "XXX"}}), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/interests", msg), http.StatusUnauthorized, "/problems/unauthorized")

	// Retries with one Idempotency-Key make one interest, even at once.
	key := []string{"Idempotency-Key", "a7c1f7e2-retry"}
	results := make([]response, 4)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = send(msg, key...)
		}()
	}
	wg.Wait()
	first := ""
	replays := 0
	for _, r := range results {
		expect(t, r, http.StatusCreated)
		if first == "" {
			first = r.json(t)["id"].(string)
		}
		if r.json(t)["id"] != first {
			t.Errorf("retries made two interests: %s and %s", first, r.json(t)["id"])
		}
		if r.header.Get("Idempotent-Replayed") == "true" {
			replays++
		}
	}
	if replays != len(results)-1 {
		t.Errorf("%d replays, want %d", replays, len(results)-1)
	}
	problemOf(t, send(map[string]any{"message": "Outra mensagem."}, key...), http.StatusUnprocessableEntity, "/problems/idempotency-key-reused")
	// A second open interest is a conflict; after closing, a new one may be sent.
	problemOf(t, send(msg), http.StatusConflict, "/problems/conflict")

	iid := "/v1/interests/" + first
	patch := func(who agent, body map[string]any) response {
		return a.send(http.MethodPatch, iid, body, bearer(who.access)...)
	}
	// The investor cannot mark it read or answer; the agency can; nobody else sees it.
	problemOf(t, patch(zé, map[string]any{"status": "read"}), http.StatusForbidden, "/problems/forbidden")
	stranger := a.user("stranger@example.org")
	problemOf(t, patch(stranger, map[string]any{"status": "closed"}), http.StatusNotFound, "/problems/not-found")
	expect(t, a.get(iid, bearer(stranger.access)...), http.StatusNotFound)
	problemOf(t, patch(ana, map[string]any{"status": "answered"}), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, patch(ana, map[string]any{"status": "read", "reply": "x"}), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, patch(ana, map[string]any{"status": "sent"}), http.StatusBadRequest, "/problems/invalid-body")
	expect(t, patch(ana, map[string]any{"status": "read"}), http.StatusOK)
	inbox := func(status string) int {
		return len(a.get("/v1/organizations/"+ana.org+"/interests?status="+status, bearer(ana.access)...).items(t))
	}
	if inbox("read") != 1 || inbox("sent") != 0 {
		t.Error("the inbox does not filter by status")
	}
	expect(t, patch(zé, map[string]any{"status": "closed"}), http.StatusOK)
	problemOf(t, patch(ana, map[string]any{"status": "answered", "reply": "Tarde demais?"}), http.StatusConflict, "/problems/conflict")
	r := send(map[string]any{"message": "De novo.", "share": []string{"display_name", "residence_country"}})
	expect(t, r, http.StatusCreated)
	if r.json(t)["id"] == first {
		t.Error("a new interest after closing has the old id")
	}
	// The profile had no residence country: only what exists is shared.
	if shared := r.json(t)["shared"].(map[string]any); len(shared) != 1 || shared["display_name"] != "Ana" {
		t.Errorf("shared %v", shared)
	}
	mine := a.get("/v1/me/interests?limit=1", bearer(zé.access)...)
	if items := mine.items(t); len(items) != 1 || mine.json(t)["next_cursor"] == nil {
		t.Errorf("first page of my interests %s", mine.body)
	}
	next := a.get("/v1/me/interests?limit=1&cursor="+mine.json(t)["next_cursor"].(string), bearer(zé.access)...).items(t)
	if len(next) != 1 || next[0]["id"] != first {
		t.Errorf("second page %v", next)
	}
	problemOf(t, a.get("/v1/me/interests?cursor="+mine.json(t)["next_cursor"].(string)+"&status=sent", bearer(zé.access)...), http.StatusBadRequest, "/problems/invalid-parameters")
}

// TestExportHasInterestsAndMemberships: the data export holds the interests a user sent and the
// organizations they belong to.
func TestExportHasInterestsAndMemberships(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.founder("ana.export@agency.cv", "Agência Exportada")
	zé := a.user("ze.export@example.org")
	published := a.get("/v1/opportunities?limit=1").items(t)[0]["id"].(string)
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+published+"/interests",
		map[string]any{"message": "Quero saber mais."}, bearer(zé.access)...), http.StatusCreated)

	e := a.get("/v1/me/export", bearer(zé.access)...).json(t)
	interests, _ := e["interests"].([]any)
	if len(interests) != 1 || interests[0].(map[string]any)["message"] != "Quero saber mais." {
		t.Errorf("the investor's export has interests %v", e["interests"])
	}
	e = a.get("/v1/me/export", bearer(ana.access)...).json(t)
	memberships, _ := e["memberships"].([]any)
	if len(memberships) != 1 {
		t.Fatalf("the founder's export has memberships %v", e["memberships"])
	}
	m := memberships[0].(map[string]any)
	if m["organization"].(map[string]any)["id"] != ana.org || m["role"].(map[string]any)["code"] != "owner" {
		t.Errorf("membership %v", m)
	}
}
