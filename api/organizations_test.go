package api_test

import (
	"net/http"
	"slices"
	"testing"
)

func TestOrganizationMembership(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	bia := a.user("bia@agency.cv")
	caio := a.user("caio@example.org")
	members := "/v1/organizations/" + ana.org + "/members"

	// Bad applications.
	p := problemOf(t, a.send(http.MethodPost, "/v1/organizations", map[string]any{"name": "", "country": "XX", "type": "club", "website": "ftp://x"}, bearer(caio.access)...),
		http.StatusBadRequest, "/problems/invalid-body")
	if e := fieldErrors(p); e["name"] != "required" || e["country"] != "unknown_country" || e["type"] != "unknown_code" || e["website"] != "invalid_url" {
		t.Errorf("errors %v", e)
	}
	problemOf(t, a.send(http.MethodPost, "/v1/organizations", map[string]any{"name": "X", "country": "CV", "type": "ngo", "verified": true}, bearer(caio.access)...),
		http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, a.send(http.MethodPost, "/v1/organizations", map[string]any{"name": "X", "country": "CV", "type": "ngo"}), http.StatusUnauthorized, "/problems/unauthorized")

	// The owner invites a member, who accepts; members see each other; outsiders do not see an
	// unverified one.
	a.join(ana, bia, "")
	list := a.get(members, bearer(bia.access)...).items(t)
	if len(list) != 2 || list[0]["role"].(map[string]any)["code"] != "owner" || list[1]["user_id"] != bia.id {
		t.Errorf("members %v", list)
	}
	expect(t, a.get(members, bearer(caio.access)...), http.StatusNotFound)
	expect(t, a.get("/v1/organizations/"+ana.org, bearer(caio.access)...), http.StatusNotFound)
	// A plain member cannot manage members; a bad role is a 400.
	invitations := "/v1/organizations/" + ana.org + "/invitations"
	problemOf(t, a.send(http.MethodPost, invitations, map[string]any{"email": "caio@example.org"}, bearer(bia.access)...), http.StatusForbidden, "/problems/forbidden")
	problemOf(t, a.send(http.MethodPost, invitations, map[string]any{"email": "caio@example.org", "role": "boss"}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, a.send(http.MethodPost, invitations, map[string]any{"email": "bia@agency.cv"}, bearer(ana.access)...), http.StatusConflict, "/problems/conflict")
	// The last owner cannot leave or be demoted; once there is another owner, they can.
	problemOf(t, a.send(http.MethodDelete, members+"/"+ana.id, nil, bearer(ana.access)...), http.StatusConflict, "/problems/conflict")
	problemOf(t, a.send(http.MethodPatch, members+"/"+ana.id, map[string]any{"role": "member"}, bearer(ana.access)...), http.StatusConflict, "/problems/conflict")
	problemOf(t, a.send(http.MethodPatch, members+"/"+bia.id, map[string]any{"role": "boss"}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-body")
	problemOf(t, a.send(http.MethodPatch, members+"/"+caio.id, map[string]any{"role": "owner"}, bearer(ana.access)...), http.StatusNotFound, "/problems/not-found")
	r := a.send(http.MethodPatch, members+"/"+bia.id, map[string]any{"role": "owner"}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if r.json(t)["role"].(map[string]any)["code"] != "owner" {
		t.Errorf("after the role change %s", r.body)
	}
	expect(t, a.send(http.MethodDelete, members+"/"+ana.id, nil, bearer(ana.access)...), http.StatusNoContent)
	expect(t, a.get(members, bearer(ana.access)...), http.StatusNotFound)
	// A member leaves by themselves; someone else's membership is not theirs to end.
	a.join(agent{account: bia.account, id: bia.id, org: ana.org}, caio, "")
	problemOf(t, a.send(http.MethodDelete, members+"/"+bia.id, nil, bearer(caio.access)...), http.StatusForbidden, "/problems/forbidden")
	expect(t, a.send(http.MethodDelete, members+"/"+caio.id, nil, bearer(caio.access)...), http.StatusNoContent)

	// Verification is the administrators'; the directory lists verified organizations only.
	problemOf(t, a.send(http.MethodPost, "/v1/organizations/"+ana.org+"/verify", nil, bearer(bia.access)...), http.StatusForbidden, "/problems/forbidden")
	pending := a.get("/v1/organizations?status=pending", bearer(admin.access)...).items(t)
	if !slices.ContainsFunc(pending, func(o map[string]any) bool { return o["id"] == ana.org }) {
		t.Errorf("pending %v", pending)
	}
	problemOf(t, a.get("/v1/organizations?status=pending", bearer(bia.access)...), http.StatusForbidden, "/problems/forbidden")
	directory := func() []string {
		var ids []string
		for _, o := range a.get("/v1/organizations?country=CV&limit=100").items(t) {
			ids = append(ids, o["id"].(string))
		}
		return ids
	}
	if slices.Contains(directory(), ana.org) {
		t.Error("an unverified organization is in the directory")
	}
	a.verify(admin, ana.org)
	if !slices.Contains(directory(), ana.org) {
		t.Error("a verified organization is not in the directory")
	}
	expect(t, a.send(http.MethodPost, "/v1/organizations/"+ana.org+"/unverify", nil, bearer(admin.access)...), http.StatusOK)
	if slices.Contains(directory(), ana.org) {
		t.Error("an unverified organization is still in the directory")
	}

	// Every membership change and verification is on record.
	var actions []string
	for _, e := range a.get("/v1/organizations/"+ana.org+"/history?limit=100", bearer(bia.access)...).items(t) {
		actions = append(actions, e["action"].(map[string]any)["code"].(string))
	}
	want := []string{"create", "invite", "add_member", "change_role", "remove_member", "invite", "add_member", "remove_member", "verify", "unverify"}
	if !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
	// Pages of the history follow each other.
	first := a.get("/v1/organizations/"+ana.org+"/history?limit=3", bearer(bia.access)...)
	next := first.json(t)["next_cursor"].(string)
	second := a.get("/v1/organizations/"+ana.org+"/history?limit=3&cursor="+next, bearer(bia.access)...).items(t)
	if len(second) != 3 || second[0]["action"].(map[string]any)["code"] != want[3] {
		t.Errorf("second page %v", second)
	}
	problemOf(t, a.get("/v1/organizations/"+ana.org+"/history?cursor=bad", bearer(bia.access)...), http.StatusBadRequest, "/problems/invalid-parameters")
}

func TestReviewQueueAndRejection(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	id, _ := a.draft(ana)
	problemOf(t, a.get("/v1/review-queue", bearer(ana.access)...), http.StatusForbidden, "/problems/forbidden")
	if q := a.get("/v1/review-queue", bearer(admin.access)...).items(t); len(q) != 0 {
		t.Errorf("queue before submission %v", q)
	}
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, bearer(ana.access)...), http.StatusOK)
	q := a.get("/v1/review-queue?kind=opportunities", bearer(admin.access)...).items(t)
	if len(q) != 1 || q[0]["id"] != id || q[0]["kind"] != "opportunities" || q[0]["submitted_at"] == nil {
		t.Fatalf("queue %v", q)
	}
	p := problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/reject", map[string]any{}, bearer(admin.access)...), http.StatusBadRequest, "/problems/invalid-body")
	if fieldErrors(p)["reason"] != "required" {
		t.Errorf("errors %v", p["errors"])
	}
	r := a.send(http.MethodPost, "/v1/opportunities/"+id+"/reject", map[string]any{"reason": "Indique a licença ambiental."}, bearer(admin.access)...)
	expect(t, r, http.StatusOK)
	ed := r.json(t)["editorial"].(map[string]any)
	if ed["status"].(map[string]any)["code"] != "draft" || ed["review_note"] != "Indique a licença ambiental." {
		t.Errorf("after rejection %v", ed)
	}
	// The organization sees the reason in its own list.
	mine := a.get("/v1/organizations/"+ana.org+"/content?status=draft", bearer(ana.access)...).items(t)
	if len(mine) != 1 || mine[0]["review_note"] != "Indique a licença ambiental." {
		t.Errorf("own content %v", mine)
	}
	if q := a.get("/v1/review-queue", bearer(admin.access)...).items(t); len(q) != 0 {
		t.Errorf("queue after rejection %v", q)
	}
	// A draft is deleted whole; its record stays with the organization.
	expect(t, a.send(http.MethodDelete, "/v1/opportunities/"+id, nil, bearer(ana.access)...), http.StatusNoContent)
	expect(t, a.get("/v1/opportunities/"+id, bearer(ana.access)...), http.StatusNotFound)
	var last map[string]any
	for _, e := range a.get("/v1/organizations/"+ana.org+"/history?limit=100", bearer(ana.access)...).items(t) {
		last = e
	}
	if last["action"].(map[string]any)["code"] != "delete" || last["entity_id"] != id {
		t.Errorf("last event %v", last)
	}
}

func TestOrganizationEdit(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	bia := a.user("bia@agency.cv")
	a.join(ana, bia, "")
	path := "/v1/organizations/" + ana.org
	r := a.send(http.MethodPatch, path, map[string]any{"name": "Agência Nacional", "acronym": "AN", "website": "https://an.cv"}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if o := r.json(t); o["name"] != "Agência Nacional" || o["acronym"] != "AN" || o["website"] != "https://an.cv" {
		t.Errorf("after PATCH %v", o)
	}
	expect(t, a.send(http.MethodPatch, path, map[string]any{"acronym": nil}, bearer(ana.access)...), http.StatusOK)
	problemOf(t, a.send(http.MethodPatch, path, map[string]any{"name": "x"}, bearer(bia.access)...), http.StatusForbidden, "/problems/forbidden")
	p := problemOf(t, a.send(http.MethodPatch, path, map[string]any{"website": "HTTP://AN.CV", "country": "SN"}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-body")
	if e := fieldErrors(p); e["country"] != "unknown_field" {
		t.Errorf("errors %v", e)
	}
	events := a.get(path+"/history", bearer(ana.access)...).items(t)
	last := events[len(events)-1]
	if last["action"].(map[string]any)["code"] != "update" || last["changes"].(map[string]any)["acronym"].(map[string]any)["before"] != "AN" {
		t.Errorf("last event %v", last)
	}
}
