package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/diaspora-investor/marketplace/repository"
)

// agent is a signed-in user of the tests, with the organization they founded (if any).
type agent struct {
	account
	id  string
	org string
}

func (a *testAPI) user(email string) agent {
	a.t.Helper()
	acc := a.signUp(email)
	u, err := repository.New(a.db).UserByEmail(context.Background(), email)
	if err != nil {
		a.t.Fatal(err)
	}
	return agent{account: acc, id: u.ID}
}

// admin makes an administrator.
func (a *testAPI) admin(email string) agent {
	a.t.Helper()
	ag := a.user(email)
	if err := repository.New(a.db).MakeAdmin(context.Background(), ag.id); err != nil {
		a.t.Fatal(err)
	}
	return ag
}

// founder signs up and applies for an organization of Cabo Verde.
func (a *testAPI) founder(email, orgName string) agent {
	a.t.Helper()
	ag := a.user(email)
	r := a.send(http.MethodPost, "/v1/organizations", map[string]any{"name": orgName, "country": "CV", "type": "investment_promotion_agency"}, bearer(ag.access)...)
	expect(a.t, r, http.StatusCreated)
	ag.org = r.json(a.t)["id"].(string)
	return ag
}

func (a *testAPI) verify(admin agent, org string) {
	a.t.Helper()
	expect(a.t, a.send(http.MethodPost, "/v1/organizations/"+org+"/verify", nil, bearer(admin.access)...), http.StatusOK)
}

var draftOpportunity = map[string]any{
	"country": "CV", "sectors": []string{"tourism"}, "region": "boa_vista", "lang": "pt",
	"title": "Ecoturismo na Boa Vista", "summary": "Alojamento sustentável junto às dunas.",
	"description":    "Procura-se parceiro para um projeto de ecoturismo com 20 quartos.",
	"min_investment": map[string]any{"amount": "500000.00", "currency": "EUR"},
	"max_investment": map[string]any{"amount": "2000000.00", "currency": "EUR"},
}

func (a *testAPI) draft(ag agent) (id, etag string) {
	a.t.Helper()
	r := a.send(http.MethodPost, "/v1/opportunities", draftOpportunity, bearer(ag.access)...)
	expect(a.t, r, http.StatusCreated)
	return r.json(a.t)["id"].(string), r.header.Get("ETag")
}

func (a *testAPI) publicIDs(path string) []string {
	a.t.Helper()
	var ids []string
	for _, it := range a.get(path + "?limit=100").items(a.t) {
		ids = append(ids, it["id"].(string))
	}
	return ids
}

// TestAgencyWalk is the "done when", through the real app: found an organization,
// draft, get verified, publish, translate, keep others out, receive an interest, read the
// history, archive.
func TestAgencyWalk(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência de Ecoturismo")
	if r := a.get("/v1/organizations/"+ana.org, bearer(ana.access)...); r.json(t)["verified"] != false || r.json(t)["role"].(map[string]any)["code"] != "owner" {
		t.Errorf("new organization %s", r.body)
	}
	// Not verified: invisible to the public.
	expect(t, a.get("/v1/organizations/"+ana.org), http.StatusNotFound)

	id, etag := a.draft(ana)
	if etag != `"v1"` {
		t.Errorf("ETag of a new draft %q", etag)
	}
	expect(t, a.get("/v1/opportunities/"+id), http.StatusNotFound)
	if slices.Contains(a.publicIDs("/v1/countries/CV/opportunities"), id) {
		t.Fatal("a draft is listed publicly")
	}
	r := a.get("/v1/opportunities/"+id, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if ed := r.json(t)["editorial"].(map[string]any); ed["status"].(map[string]any)["code"] != "draft" || r.header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("the editor's view of a draft: %s %v", r.body, r.header)
	}

	r = a.send(http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	p := problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, bearer(ana.access)...), http.StatusForbidden, "/problems/forbidden")
	if p["detail"] == "" {
		t.Error("no reason given")
	}
	a.verify(admin, ana.org)
	expect(t, a.get("/v1/organizations/"+ana.org), http.StatusOK)
	r = a.send(http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if r.json(t)["published_at"] == nil {
		t.Error("published without a publication time")
	}
	expect(t, a.get("/v1/opportunities/"+id), http.StatusOK)
	if !slices.Contains(a.publicIDs("/v1/countries/CV/opportunities"), id) {
		t.Fatal("a published opportunity is not listed")
	}

	// An English translation leaves the Portuguese text as it was.
	before := a.get("/v1/opportunities/" + id + "?lang=pt").json(t)
	r = a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{
		"title": "Ecotourism on Boa Vista", "summary": "Sustainable lodging by the dunes.", "description": "A partner is sought for a 20-room ecotourism project."},
		bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	en := a.get("/v1/opportunities/" + id + "?lang=en").json(t)
	after := a.get("/v1/opportunities/" + id + "?lang=pt").json(t)
	if en["title"] != "Ecotourism on Boa Vista" || en["lang"] != "en" || after["title"] != before["title"] || after["description"] != before["description"] {
		t.Errorf("translation: en %v, pt before %v after %v", en["title"], before["title"], after["title"])
	}

	// Another organization sees none of the drafts and changes nothing.
	rui := a.founder("rui@other.cv", "Outra Agência")
	a.verify(admin, rui.org)
	draftID, _ := a.draft(ana)
	expect(t, a.get("/v1/opportunities/"+draftID, bearer(rui.access)...), http.StatusNotFound)
	problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+draftID, map[string]any{"jobs": 3}, bearer(rui.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 3}, bearer(rui.access)...), http.StatusForbidden, "/problems/forbidden")
	problemOf(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/fr", map[string]any{"title": "x", "summary": "x", "description": "x"}, bearer(rui.access)...), http.StatusForbidden, "/problems/forbidden")
	problemOf(t, a.send(http.MethodDelete, "/v1/opportunities/"+id, nil, bearer(rui.access)...), http.StatusForbidden, "/problems/forbidden")
	problemOf(t, a.send(http.MethodDelete, "/v1/opportunities/"+draftID, nil, bearer(rui.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.get("/v1/opportunities/"+id+"/history", bearer(rui.access)...), http.StatusForbidden, "/problems/forbidden")

	// An investor's interest reaches the agency's inbox, and only it.
	zé := a.user("ze@example.org")
	r = a.send(http.MethodPost, "/v1/opportunities/"+id+"/interests", map[string]any{
		"message": "Tenho interesse.", "amount": map[string]any{"amount": "750000", "currency": "EUR"}, "share": []string{"email"}}, bearer(zé.access)...)
	expect(t, r, http.StatusCreated)
	interest := r.json(t)
	if interest["shared"].(map[string]any)["email"] != "ze@example.org" || len(interest["shared"].(map[string]any)) != 1 {
		t.Errorf("shared %v", interest["shared"])
	}
	inbox := a.get("/v1/organizations/"+ana.org+"/interests", bearer(ana.access)...).items(t)
	if len(inbox) != 1 || inbox[0]["id"] != interest["id"] {
		t.Errorf("inbox %v", inbox)
	}
	problemOf(t, a.get("/v1/organizations/"+rui.org+"/interests", bearer(ana.access)...), http.StatusForbidden, "/problems/forbidden")
	if other := a.get("/v1/organizations/"+rui.org+"/interests", bearer(rui.access)...).items(t); len(other) != 0 {
		t.Errorf("another organization's inbox shows %v", other)
	}
	expect(t, a.get("/v1/interests/"+interest["id"].(string), bearer(rui.access)...), http.StatusNotFound)
	mine := a.get("/v1/me/interests", bearer(zé.access)...).items(t)
	if len(mine) != 1 || mine[0]["status"].(map[string]any)["code"] != "sent" {
		t.Errorf("my interests %v", mine)
	}
	r = a.send(http.MethodPatch, "/v1/interests/"+interest["id"].(string), map[string]any{"status": "answered", "reply": "Obrigado, vamos falar."}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	mine = a.get("/v1/me/interests", bearer(zé.access)...).items(t)
	if mine[0]["status"].(map[string]any)["code"] != "answered" || mine[0]["reply"] != "Obrigado, vamos falar." {
		t.Errorf("the investor does not see the answer: %v", mine[0])
	}

	// Archiving takes it out of the public lists.
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/archive", nil, bearer(ana.access)...), http.StatusOK)
	expect(t, a.get("/v1/opportunities/"+id), http.StatusNotFound)
	if slices.Contains(a.publicIDs("/v1/countries/CV/opportunities"), id) {
		t.Error("an archived opportunity is listed")
	}

	// The history shows every step, with who did it.
	var actions []string
	for _, e := range a.get("/v1/opportunities/"+id+"/history", bearer(ana.access)...).items(t) {
		actions = append(actions, e["action"].(map[string]any)["code"].(string))
		if e["actor"].(map[string]any)["id"] != ana.id {
			t.Errorf("event %v by %v", e["action"], e["actor"])
		}
	}
	if want := []string{"create", "submit", "publish", "translate", "archive"}; !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
	var orgActions []string
	for _, e := range a.get("/v1/organizations/"+ana.org+"/history?limit=100", bearer(ana.access)...).items(t) {
		orgActions = append(orgActions, e["entity"].(string)+":"+e["action"].(map[string]any)["code"].(string))
	}
	for _, want := range []string{"organization:create", "organization:verify", "opportunity:publish"} {
		if !slices.Contains(orgActions, want) {
			t.Errorf("organization history %v lacks %s", orgActions, want)
		}
	}
}

// TestTranslationsStaleAndSource: a translation written before the source text changed is
// stale; the source language cannot be deleted; unsupported languages are refused.
func TestTranslationsStaleAndSource(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	id, _ := a.draft(ana)
	expect(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{"title": "Eco", "summary": "s", "description": "d"}, bearer(ana.access)...), http.StatusCreated)
	stale := func() map[string]bool {
		out := map[string]bool{}
		for _, tr := range a.get("/v1/opportunities/"+id, bearer(ana.access)...).json(t)["editorial"].(map[string]any)["translations"].([]any) {
			m := tr.(map[string]any)
			out[m["lang"].(string)] = m["stale"].(bool)
		}
		return out
	}
	if s := stale(); s["en"] || s["pt"] {
		t.Errorf("fresh translations marked stale: %v", s)
	}
	r := a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"summary": "Resumo novo."}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if r.json(t)["lang"] != "pt" || r.json(t)["summary"] != "Resumo novo." {
		t.Errorf("PATCH without lang edits the source text: %s", r.body)
	}
	if s := stale(); !s["en"] || s["pt"] {
		t.Errorf("after a change of the source text: %v", s)
	}
	expect(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{"title": "Eco", "summary": "New summary.", "description": "d"}, bearer(ana.access)...), http.StatusOK)
	if s := stale(); s["en"] {
		t.Errorf("a rewritten translation is still stale: %v", s)
	}
	problemOf(t, a.send(http.MethodDelete, "/v1/opportunities/"+id+"/translations/pt", nil, bearer(ana.access)...), http.StatusConflict, "/problems/conflict")
	p := problemOf(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/de", map[string]any{"title": "x", "summary": "x", "description": "x"}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-parameters")
	if fieldErrors(p)["lang"] != "unsupported_language" {
		t.Errorf("errors %v", p["errors"])
	}
	problemOf(t, a.send(http.MethodDelete, "/v1/opportunities/"+id+"/translations/fr", nil, bearer(ana.access)...), http.StatusNotFound, "/problems/not-found")
	r = a.send(http.MethodDelete, "/v1/opportunities/"+id+"/translations/en", nil, bearer(ana.access)...)
	expect(t, r, http.StatusNoContent)
	if langs := a.get("/v1/opportunities/"+id, bearer(ana.access)...).json(t)["langs"]; fmt.Sprint(langs) != "[pt]" {
		t.Errorf("langs after deleting en: %v", langs)
	}
}

// TestIfMatch: a stale ETag is refused with 412 and changes nothing; two concurrent edits
// from the same version: one wins, the other gets 412.
func TestIfMatch(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	id, v1 := a.draft(ana)
	r := a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 12}, append(bearer(ana.access), "If-Match", v1)...)
	expect(t, r, http.StatusOK)
	v2 := r.header.Get("ETag")
	if v2 == v1 {
		t.Fatalf("the version did not change: %s", v2)
	}
	problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 99}, append(bearer(ana.access), "If-Match", v1)...), http.StatusPreconditionFailed, "/problems/precondition-failed")
	problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 99}, append(bearer(ana.access), "If-Match", `W/"v2"`)...), http.StatusPreconditionFailed, "/problems/precondition-failed")
	if jobs := a.get("/v1/opportunities/"+id, bearer(ana.access)...).json(t)["jobs"]; jobs != 12.0 {
		t.Errorf("jobs %v after refused edits", jobs)
	}
	// An unchanged PATCH makes no new version.
	r = a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 12}, append(bearer(ana.access), "If-Match", v2)...)
	if expect(t, r, http.StatusOK); r.header.Get("ETag") != v2 {
		t.Errorf("a no-op edit changed the version to %s", r.header.Get("ETag"))
	}

	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 100 + i}, append(bearer(ana.access), "If-Match", v2)...).status
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusOK, http.StatusPreconditionFailed}) {
		t.Errorf("concurrent edits from one version: %v, want one 200 and one 412", statuses)
	}
}

// TestWriteFailsWhole: when the audit row of a write cannot be written, nothing of the write
// remains: the item, its text and its lists commit with their record or not at all.
func TestWriteFailsWhole(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	id, etag := a.draft(ana)
	count := func(q string, args ...any) int {
		var n int
		if err := a.db.Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	opportunities := count(`SELECT count(*) FROM opportunities`)
	translations := count(`SELECT count(*) FROM opportunity_translations`)
	// The last statement of every write fails.
	if _, err := a.db.Exec(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
		CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION fail_audit();`); err != nil {
		t.Fatal(err)
	}
	expect(t, a.send(http.MethodPost, "/v1/opportunities", draftOpportunity, bearer(ana.access)...), http.StatusInternalServerError)
	expect(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"title": "Outro título", "sectors": []string{"ict"}, "jobs": 7}, bearer(ana.access)...), http.StatusInternalServerError)
	expect(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{"title": "T", "summary": "S", "description": "D"}, bearer(ana.access)...), http.StatusInternalServerError)
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, bearer(ana.access)...), http.StatusInternalServerError)
	if n := count(`SELECT count(*) FROM opportunities`); n != opportunities {
		t.Errorf("%d opportunities after a failed create, want %d", n, opportunities)
	}
	if n := count(`SELECT count(*) FROM opportunity_translations`); n != translations {
		t.Errorf("%d translations after failed writes, want %d", n, translations)
	}
	if _, err := a.db.Exec(`DROP TRIGGER fail_audit ON audit_events`); err != nil {
		t.Fatal(err)
	}
	r := a.get("/v1/opportunities/"+id, bearer(ana.access)...)
	got := r.json(t)
	if r.header.Get("ETag") != etag || got["title"] != draftOpportunity["title"] || got["jobs"] != nil ||
		fmt.Sprint(got["sectors"]) != "[map[code:tourism label:Tourism]]" || got["editorial"].(map[string]any)["status"].(map[string]any)["code"] != "draft" {
		t.Errorf("after failed writes: ETag %s, %s", r.header.Get("ETag"), r.body)
	}
}
