package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/repository"
)

// newAPIWith is newAPI with a configuration changed by set (small quotas, say).
func newAPIWith(t *testing.T, set func(*api.Config)) *testAPI {
	t.Helper()
	a := newAPI(t)
	cfg := api.DefaultConfig()
	set(&cfg)
	a.app = newApp(t, a.db, cfg)
	return a
}

// createKey makes an API key for acc and returns its id and the key.
func (a *testAPI) createKey(acc account, scopes ...string) (id, key string) {
	a.t.Helper()
	r := a.send(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "Portal Diáspora", "scopes": scopes}, bearer(acc.access)...)
	expect(a.t, r, http.StatusCreated)
	body := r.json(a.t)
	id, key = body["id"].(string), body["key"].(string)
	if r.header.Get("Location") != "/v1/me/api-keys/"+id {
		a.t.Errorf("Location %q", r.header.Get("Location"))
	}
	return id, key
}

func withKey(key string) []string { return []string{"X-API-Key", key} }

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.signUp("ana.keys@example.org")
	id, key := a.createKey(ana, "catalogue:read", "saved:write")

	if !regexp.MustCompile(`^dim_live_[A-Za-z0-9_-]{43}$`).MatchString(key) {
		t.Fatalf("key %q", key)
	}
	sum := sha256.Sum256([]byte(key))
	if n := a.count(`SELECT count(*) FROM api_keys WHERE key_hash = $1`, sum[:]); n != 1 {
		t.Errorf("%d keys stored under the key's SHA-256", n)
	}
	if n := a.count(`SELECT count(*) FROM api_keys WHERE position($1 IN (api_keys.*)::text) > 0`, key[len("dim_live_"):]); n != 0 {
		t.Errorf("the key is stored in clear")
	}

	// Listed and read without the key itself.
	list := a.get("/v1/me/api-keys", bearer(ana.access)...)
	expect(t, list, http.StatusOK)
	if strings.Contains(string(list.body), key) || len(list.items(t)) != 1 || list.items(t)[0]["status"] != "active" {
		t.Errorf("list %s", list.body)
	}
	if one := a.get("/v1/me/api-keys/"+id, bearer(ana.access)...); one.status != http.StatusOK || strings.Contains(string(one.body), key) {
		t.Errorf("read %d %s", one.status, one.body)
	}

	export := a.get("/v1/me/export", bearer(ana.access)...)
	if keys, _ := export.json(t)["api_keys"].([]any); len(keys) != 1 || strings.Contains(string(export.body), key) {
		t.Errorf("export: %d keys, or the key itself: %s", len(keys), export.body)
	}

	// The key reads the catalogue, privately, within its quota.
	r := a.get("/v1/countries/CV/opportunities?lang=fr&limit=2", withKey(key)...)
	expect(t, r, http.StatusOK)
	if r.header.Get("RateLimit-Limit") != "1200" || r.header.Get("RateLimit-Remaining") == "" {
		t.Errorf("quota headers %v", r.header)
	}
	if !strings.HasPrefix(r.header.Get("Cache-Control"), "private") {
		t.Errorf("Cache-Control %q for a read with a key", r.header.Get("Cache-Control"))
	}
	opp := r.items(t)[0]["id"].(string)

	// It acts for its user within its scopes only.
	expect(t, a.send(http.MethodPut, "/v1/me/saved/"+opp, nil, withKey(key)...), http.StatusNoContent)
	if n := a.count(`SELECT count(*) FROM saved_opportunities s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, ana.email); n != 1 {
		t.Errorf("%d bookmarks after a save with the key", n)
	}
	problemOf(t, a.get("/v1/me/profile", withKey(key)...), http.StatusForbidden, "/problems/insufficient-scope")
	problemOf(t, a.get("/v1/me/saved", withKey(key)...), http.StatusForbidden, "/problems/insufficient-scope")
	for _, target := range []string{"/v1/me/api-keys", "/v1/me/export"} {
		problemOf(t, a.get(target, withKey(key)...), http.StatusForbidden, "/problems/insufficient-scope")
	}
	problemOf(t, a.send(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "x", "scopes": []string{"catalogue:read"}}, withKey(key)...),
		http.StatusForbidden, "/problems/insufficient-scope")
	both := a.get("/v1/sectors", "X-API-Key", key, "Authorization", "Bearer "+ana.access)
	problemOf(t, both, http.StatusUnauthorized, "/problems/unauthorized")

	// A key without catalogue:read cannot read the catalogue.
	_, profileOnly := a.createKey(ana, "profile:read")
	problemOf(t, a.get("/v1/sectors", withKey(profileOnly)...), http.StatusForbidden, "/problems/insufficient-scope")
	expect(t, a.get("/v1/me/profile", withKey(profileOnly)...), http.StatusOK)

	// Another user sees none of it.
	bo := a.signUp("bo.keys@example.org")
	problemOf(t, a.get("/v1/me/api-keys/"+id, bearer(bo.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodDelete, "/v1/me/api-keys/"+id, nil, bearer(bo.access)...), http.StatusNotFound, "/problems/not-found")
	if items := a.get("/v1/me/api-keys", bearer(bo.access)...).items(t); len(items) != 0 {
		t.Errorf("bo lists %d keys", len(items))
	}

	// Revoked: refused at once, and says so.
	expect(t, a.send(http.MethodDelete, "/v1/me/api-keys/"+id, nil, bearer(ana.access)...), http.StatusNoContent)
	expect(t, a.send(http.MethodDelete, "/v1/me/api-keys/"+id, nil, bearer(ana.access)...), http.StatusNoContent)
	p := problemOf(t, a.get("/v1/sectors", withKey(key)...), http.StatusUnauthorized, "/problems/unauthorized")
	if !strings.Contains(p["detail"].(string), "revoked") {
		t.Errorf("detail %q", p["detail"])
	}
	if got := a.get("/v1/me/api-keys/"+id, bearer(ana.access)...).json(t)["status"]; got != "revoked" {
		t.Errorf("status %v after revoking", got)
	}
	problemOf(t, a.get("/v1/sectors", withKey("dim_live_"+strings.Repeat("A", 43))...), http.StatusUnauthorized, "/problems/unauthorized")
	problemOf(t, a.get("/v1/sectors", withKey("not-a-key")...), http.StatusUnauthorized, "/problems/unauthorized")
}

func TestExpiredAPIKeyIsRefused(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.signUp("ana.expired@example.org")
	id, key := a.createKey(ana, "catalogue:read")
	expect(t, a.get("/v1/sectors", withKey(key)...), http.StatusOK)
	if _, err := a.db.Exec(`UPDATE api_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	p := problemOf(t, a.get("/v1/sectors?lang=fr", withKey(key)...), http.StatusUnauthorized, "/problems/unauthorized")
	if p["detail"] != "La clé d'API a expiré." {
		t.Errorf("detail %q", p["detail"])
	}
	if got := a.get("/v1/me/api-keys", bearer(ana.access)...).items(t)[0]["status"]; got != "expired" {
		t.Errorf("status %v", got)
	}
}

func TestAPIKeyInputIsChecked(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.signUp("ana.badkeys@example.org")
	for name, c := range map[string]struct {
		body any
		want map[string]string
	}{
		"unknown scope":  {map[string]any{"name": "x", "scopes": []string{"admin"}}, map[string]string{"scopes": "unknown_code"}},
		"no scope":       {map[string]any{"name": "x", "scopes": []string{}}, map[string]string{"scopes": "required"}},
		"no name":        {map[string]any{"name": " ", "scopes": []string{"catalogue:read"}}, map[string]string{"name": "required"}},
		"too long":       {map[string]any{"name": "x", "scopes": []string{"catalogue:read"}, "expires_in_days": 366}, map[string]string{"expires_in_days": "out_of_range"}},
		"never expires":  {map[string]any{"name": "x", "scopes": []string{"catalogue:read"}, "expires_in_days": 0}, map[string]string{"expires_in_days": "out_of_range"}},
		"chooses its id": {map[string]any{"name": "x", "scopes": []string{"catalogue:read"}, "id": "mine"}, map[string]string{"id": "unknown_field"}},
	} {
		r := a.send(http.MethodPost, "/v1/me/api-keys", c.body, bearer(ana.access)...)
		got := fieldErrors(problemOf(t, r, http.StatusBadRequest, "/problems/invalid-body"))
		for field, code := range c.want {
			if got[field] != code {
				t.Errorf("%s: errors %v, want %s=%s", name, got, field, code)
			}
		}
	}
	problemOf(t, a.send(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "x", "scopes": []string{"catalogue:read"}}),
		http.StatusUnauthorized, "/problems/unauthorized")
	// A use case's field errors are listed like a handler's: the same error once, a few per field.
	p := problemOf(t, a.send(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "x",
		"scopes": []string{"a", "a", "b", "c", "d", "e"}}, bearer(ana.access)...), http.StatusBadRequest, "/problems/invalid-body")
	if list, _ := p["errors"].([]any); len(list) != 3 {
		t.Errorf("%d errors for six unknown scopes, want 3: %v", len(list), list)
	}
}

// TestQuotas spends a key's budget and an address's, and checks that 304s are free.
func TestQuotas(t *testing.T) {
	t.Parallel()
	a := newAPIWith(t, func(c *api.Config) { c.APIKeyQuota, c.AnonymousQuota = 3, 2 })
	ana := a.signUp("ana.quota@example.org")
	_, key := a.createKey(ana, "catalogue:read")
	_, other := a.createKey(ana, "catalogue:read")

	first := a.get("/v1/sectors", withKey(key)...)
	expect(t, first, http.StatusOK)
	etag := first.header.Get("ETag")
	for i := 0; i < 5; i++ { // revalidations cost nothing
		r := a.get("/v1/sectors", "X-API-Key", key, "If-None-Match", etag)
		expect(t, r, http.StatusNotModified)
		if r.header.Get("RateLimit-Remaining") != "2" {
			t.Fatalf("304 number %d: RateLimit-Remaining %q, want 2", i, r.header.Get("RateLimit-Remaining"))
		}
	}
	for want := 1; want >= 0; want-- {
		r := a.get("/v1/countries", withKey(key)...)
		expect(t, r, http.StatusOK)
		if r.header.Get("RateLimit-Remaining") != strconv.Itoa(want) {
			t.Errorf("RateLimit-Remaining %q, want %d", r.header.Get("RateLimit-Remaining"), want)
		}
	}
	over := a.get("/v1/countries", withKey(key)...)
	problemOf(t, over, http.StatusTooManyRequests, "/problems/too-many-requests")
	if s, err := strconv.Atoi(over.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After %q", over.header.Get("Retry-After"))
	}
	if over.header.Get("RateLimit-Remaining") != "0" || over.header.Get("RateLimit-Limit") != "3" {
		t.Errorf("headers of the 429: %v", over.header)
	}
	// Each key has its own budget; the account's own token has none of these quotas.
	expect(t, a.get("/v1/countries", withKey(other)...), http.StatusOK)
	expect(t, a.get("/v1/countries", bearer(ana.access)...), http.StatusOK)

	// Anonymous reads: a lower quota per address, 304s free too.
	anon := a.get("/v1/sectors")
	expect(t, anon, http.StatusOK)
	expect(t, a.get("/v1/sectors", "If-None-Match", anon.header.Get("ETag")), http.StatusNotModified)
	expect(t, a.get("/v1/sectors"), http.StatusOK)
	problemOf(t, a.get("/v1/sectors"), http.StatusTooManyRequests, "/problems/too-many-requests")
	if r := a.get("/v1/sectors", "X-Forwarded-For", "203.0.113.7"); r.status != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For from an untrusted peer chose another budget: %d", r.status)
	}
	expect(t, a.get("/healthz"), http.StatusOK) // operations routes are not counted
}

// change is one entry of /v1/changes, as a test reads it.
type change struct{ kind, id, what string }

// follow reads the change log from cursor to its end and returns the entries and resume_cursor.
func (a *testAPI) follow(cursor string) ([]change, string) {
	a.t.Helper()
	var out []change
	for pages := 0; ; pages++ {
		if pages > 1000 {
			a.t.Fatal("cursor loop")
		}
		target := "/v1/changes?limit=7"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		r := a.get(target)
		expect(a.t, r, http.StatusOK)
		body := r.json(a.t)
		for _, it := range r.items(a.t) {
			out = append(out, change{it["kind"].(string), it["id"].(string), it["change"].(string)})
		}
		cursor = body["resume_cursor"].(string)
		if body["next_cursor"] == nil {
			return out, cursor
		}
	}
}

func (a *testAPI) exec(query string, args ...any) {
	a.t.Helper()
	if _, err := a.db.Exec(query, args...); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
	a.refreshReadModel()
}

// refreshReadModel rebuilds the read model after a test wrote content around the use cases,
// as the use cases do in their own transactions.
func (a *testAPI) refreshReadModel() {
	a.t.Helper()
	if err := repository.RefreshReadModelAll(context.Background(), a.db); err != nil {
		a.t.Fatal(err)
	}
}

func TestChangeFeedReplaysPublications(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	published := func() map[string]bool {
		var ids []string
		if err := a.db.Select(&ids, `SELECT id::text FROM opportunities WHERE status = 'published'
			UNION ALL SELECT id::text FROM incentives WHERE status = 'published'
			UNION ALL SELECT id::text FROM programmes WHERE status = 'published'`); err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	replay := func(changes []change) map[string]bool {
		m := map[string]bool{}
		for _, c := range changes {
			if c.what == "unpublished" {
				delete(m, c.id)
			} else {
				m[c.id] = true
			}
		}
		return m
	}
	same := func(what string, got, want map[string]bool) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d items, want %d", what, len(got), len(want))
		}
		for id := range want {
			if !got[id] {
				t.Errorf("%s: %s missing", what, id)
			}
		}
	}

	// The seed: every published item, once, as created.
	seeded, resume := a.follow("")
	for _, c := range seeded {
		if c.what != "created" {
			t.Errorf("seed change %v", c)
		}
	}
	same("after the seed", replay(seeded), published())

	// Content changes through SQL, whatever code path does them.
	var opp, inc, prog, draft string
	for q, dst := range map[string]*string{
		`SELECT id::text FROM opportunities WHERE status = 'published' ORDER BY slug LIMIT 1`:                                                                                    &opp,
		`SELECT id::text FROM incentives WHERE status = 'published' ORDER BY slug LIMIT 1`:                                                                                       &inc,
		`SELECT id::text FROM programmes p WHERE status = 'published' AND NOT EXISTS (SELECT 1 FROM opportunity_programmes x WHERE x.programme_id = p.id) ORDER BY slug LIMIT 1`: &prog,
		`SELECT id::text FROM opportunities WHERE status <> 'published' ORDER BY slug LIMIT 1`:                                                                                   &draft,
	} {
		if err := a.db.Get(dst, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	a.exec(`UPDATE opportunities SET status = 'archived' WHERE id = $1`, opp)
	a.exec(`UPDATE incentive_translations SET summary = summary || ' (revised)' WHERE incentive_id = $1`, inc)
	a.exec(`UPDATE opportunities SET status = 'published', published_at = now() WHERE id = $1`, draft)
	a.exec(`UPDATE opportunities SET status = 'in_review' WHERE id = $1`, draft) // unpublished again
	a.exec(`UPDATE opportunities SET status = 'published' WHERE id = $1`, opp)   // published again
	a.exec(`DELETE FROM programmes WHERE id = $1`, prog)
	a.exec(`UPDATE opportunities SET jobs = 3 WHERE status = 'draft'`) // not public: no change
	// One transaction: a publication and its translation edits are one entry.
	tx := a.db.MustBegin()
	tx.MustExec(`UPDATE opportunities SET status = 'published' WHERE id = $1`, draft)
	tx.MustExec(`UPDATE opportunity_translations SET title = title || ' !' WHERE opportunity_id = $1`, draft)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	a.refreshReadModel()

	since, resume2 := a.follow(resume)
	want := []change{
		{"opportunity", opp, "unpublished"},
		{"incentive", inc, "updated"},
		{"opportunity", draft, "created"},
		{"opportunity", draft, "unpublished"},
		{"opportunity", opp, "created"},
		{"programme", prog, "unpublished"},
		{"opportunity", draft, "created"},
	}
	if len(since) != len(want) {
		t.Fatalf("changes since the seed:\n%v\nwant\n%v", since, want)
	}
	for i := range want {
		if since[i] != want[i] {
			t.Errorf("change %d is %v, want %v", i, since[i], want[i])
		}
	}

	// Replaying everything from an empty cursor gives the published catalogue.
	all, end := a.follow("")
	same("replayed from the start", replay(all), published())
	if end != resume2 {
		t.Errorf("resume cursors differ: %s and %s", end, resume2)
	}
	if more, _ := a.follow(end); len(more) != 0 {
		t.Errorf("%d changes after the end", len(more))
	}

	// Filters and refusals.
	for _, it := range a.get("/v1/changes?country=SN&limit=100").items(t) {
		if it["country"] != "SN" {
			t.Errorf("country=SN gave %v", it)
		}
	}
	got := fieldErrors(problemOf(t, a.get("/v1/changes?cursor=bm9wZQ&country=XX"), http.StatusBadRequest, "/problems/invalid-parameters"))
	if got["cursor"] != "invalid_cursor" || got["country"] != "unknown_country" {
		t.Errorf("errors %v", got)
	}
}

func TestOpportunityAtomFeed(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	type feed struct {
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Title   string `xml:"title"`
		Entries []struct {
			Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			ID    string `xml:"id"`
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	read := func(target string) (feed, response) {
		t.Helper()
		r := a.get(target)
		expect(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		var f feed
		if err := xml.Unmarshal(r.body, &f); err != nil {
			t.Fatalf("%v\n%s", err, r.body)
		}
		return f, r
	}
	f, r := read("/v1/countries/CV/opportunities.atom?lang=fr")
	published := a.count(`SELECT count(*) FROM opportunities WHERE country_code = 'CV' AND status = 'published' AND ` + openOpportunity)
	if len(f.Entries) != min(published, 50) || f.Lang != "fr" || !strings.HasPrefix(f.Title, "Opportunités d'investissement") {
		t.Errorf("feed: lang %s, title %q, %d entries, want %d", f.Lang, f.Title, len(f.Entries), published)
	}
	for _, e := range f.Entries {
		if e.Lang != "fr" {
			t.Errorf("entry %s in %s", e.ID, e.Lang)
		}
	}
	expect(t, a.get("/v1/countries/CV/opportunities.atom?lang=fr", "If-None-Match", r.header.Get("ETag")), http.StatusNotModified)

	// A newly published opportunity comes first.
	var draft string
	if err := a.db.Get(&draft, `SELECT id::text FROM opportunities WHERE status <> 'published' AND country_code = 'CV' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	a.exec(`UPDATE opportunities SET status = 'published', published_at = now() WHERE id = $1`, draft)
	f, _ = read("/v1/countries/cv/opportunities.atom?lang=pt")
	if len(f.Entries) == 0 || f.Entries[0].ID != "urn:uuid:"+draft || f.Lang != "pt" {
		t.Errorf("after publishing %s, the feed starts with %v", draft, f.Entries[:1])
	}
	problemOf(t, a.get("/v1/countries/ZZ/opportunities.atom"), http.StatusNotFound, "/problems/not-found")
}

func TestSparseFieldsets(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	whole := a.get("/v1/countries/CV/opportunities?lang=fr&limit=5")
	cut := a.get("/v1/countries/CV/opportunities?lang=fr&limit=5&fields=title,region,title")
	expect(t, cut, http.StatusOK)
	for i, it := range cut.items(t) {
		// region is there, null for a national item (most real opportunities are national).
		if _, hasRegion := it["region"]; len(it) != 3 || it["id"] != whole.items(t)[i]["id"] || it["title"] != whole.items(t)[i]["title"] || !hasRegion {
			t.Errorf("item %d: %v", i, it)
		}
	}
	if len(cut.body)*3 > len(whole.body) {
		t.Errorf("the sparse page is %d bytes, the whole one %d", len(cut.body), len(whole.body))
	}
	// The fieldset follows the pages; facets are unchanged.
	all := a.walk("/v1/incentives?limit=4&fields=name,type&facets=type")
	if n := a.count(`SELECT count(*) FROM incentives WHERE status = 'published'`); len(all) != n {
		t.Errorf("walked %d sparse incentives, want %d", len(all), n)
	}
	for _, it := range all {
		if len(it) != 3 || it["name"] == nil || it["type"] == nil {
			t.Fatalf("sparse incentive %v", it)
		}
	}
	for _, target := range []string{"/v1/programmes?fields=search_document", "/v1/opportunities?fields=", "/v1/opportunities?fields=title&limit=0"} {
		got := fieldErrors(problemOf(t, a.get(target), http.StatusBadRequest, "/problems/invalid-parameters"))
		want := "invalid_fields"
		if strings.HasSuffix(target, "fields=") {
			want = "empty_value" // refused before the route reads it, for every parameter
		}
		if !strings.Contains(target, "limit=0") && got["fields"] != want {
			t.Errorf("%s: errors %v", target, got)
		}
	}
}

// TestEveryRouteWithAKey sends a key with every scope to every route under /v1 (but /v1/auth/):
// the routes that manage the account, and the agencies' and administrators' work, refuse it with
// 403, the others take it, and each of them
// answers 429 once the key's quota is spent. Every answer is checked against openapi.yaml, so a
// status or header a route gives to a key and the document lacks fails here.
func TestEveryRouteWithAKey(t *testing.T) {
	t.Parallel()
	// An hour-long window: a minute boundary between a route's three requests would refill it.
	a := newAPIWith(t, func(c *api.Config) { c.APIKeyQuota, c.QuotaWindow = 2, time.Hour })
	ana := a.signUp("ana.everyroute@example.org")
	first := func(list string) string {
		t.Helper()
		return a.get(list + "?limit=1").items(t)[0]["id"].(string)
	}
	ids := map[string]string{"opportunities": first("/v1/opportunities"), "incentives": first("/v1/incentives"),
		"programmes": first("/v1/programmes"), "organizations": first("/v1/organizations"),
		"interests": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "guides": "cv-guide-register-company"}
	accountOnly := map[string]bool{
		"PATCH /v1/me": true, "DELETE /v1/me": true, "POST /v1/me/password": true, "GET /v1/me/export": true,
		"GET /v1/me/api-keys": true, "POST /v1/me/api-keys": true,
		"GET /v1/me/api-keys/{id}": true, "DELETE /v1/me/api-keys/{id}": true,
		"GET /v1/me/interests": true, "GET /v1/me/invitations": true,
	}
	// Keys act for investors' apps: the writes they may make are these; agencies' and
	// administrators' work (writes, private reads) needs the user's own sign-in.
	keyWrites := map[string]bool{"PUT /v1/me/profile": true, "PUT /v1/me/saved/{opportunity_id}": true,
		"DELETE /v1/me/saved/{opportunity_id}": true, "POST /v1/eligibility": true}
	workspaceRead := regexp.MustCompile(`^/v1/(review-queue|interests/\{id\}|organizations/\{id\}/.+|(opportunities|incentives|programmes)/\{id\}/history)$`)
	refused := func(r contract.Route) bool {
		if r.Method == http.MethodGet {
			return accountOnly[r.String()] || workspaceRead.MatchString(r.Path)
		}
		return accountOnly[r.String()] || !keyWrites[r.String()]
	}
	routes, err := contract.Routes()
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"catalogue:read", "profile:read", "profile:write", "saved:read", "saved:write"}
	tried := 0
	for _, route := range routes {
		if !strings.HasPrefix(route.Path, "/v1/") || strings.HasPrefix(route.Path, "/v1/auth/") {
			continue
		}
		tried++
		if tried%40 == 0 {
			// Making and revoking a key per route is two writes: a new user keeps within the
			// per-user write budget.
			ana = a.signUp(fmt.Sprintf("ana.everyroute%d@example.org", tried))
		}
		id, key := a.createKey(ana, all...)
		target := strings.NewReplacer("{code}", "CV", "{opportunity_id}", ids["opportunities"], "{lang}", "en",
			"{currency}", "USD", "{user_id}", "5c2d9e1f-7a3b-4c6d-8e9f-0a1b2c3d4e5f").Replace(route.Path)
		if kind, rest, ok := strings.Cut(strings.TrimPrefix(target, "/v1/"), "/{id}"); ok {
			target = "/v1/" + kind + "/" + ids[kind] + rest
			if kind == "me/api-keys" {
				target = "/v1/me/api-keys/" + id
			}
		}
		var body any
		if route.Method != http.MethodGet && route.Method != http.MethodDelete {
			body = map[string]any{}
		}
		r := a.send(route.Method, target, body, withKey(key)...)
		switch {
		case refused(route):
			problemOf(t, r, http.StatusForbidden, "/problems/insufficient-scope")
		case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden || r.status >= 500:
			t.Errorf("%s with a key: %d %s", route, r.status, r.body)
		}
		if r.header.Get("RateLimit-Limit") != "2" || r.header.Get("RateLimit-Remaining") != "1" {
			t.Errorf("%s with a key: RateLimit-Limit %q, RateLimit-Remaining %q", route,
				r.header.Get("RateLimit-Limit"), r.header.Get("RateLimit-Remaining"))
		}
		a.send(route.Method, target, body, withKey(key)...)
		over := a.send(route.Method, target, body, withKey(key)...)
		problemOf(t, over, http.StatusTooManyRequests, "/problems/too-many-requests")
		if over.header.Get("Retry-After") == "" {
			t.Errorf("%s: a 429 without Retry-After", route)
		}
		// Keys are limited per account: this one has done its work.
		expect(t, a.send(http.MethodDelete, "/v1/me/api-keys/"+id, nil, bearer(ana.access)...), http.StatusNoContent)
	}
	if tried < 20 {
		t.Errorf("only %d routes tried", tried)
	}
	// The account is intact: DELETE /v1/me and POST /v1/me/password refused the key.
	expect(t, a.get("/v1/me", bearer(ana.access)...), http.StatusOK)
	a.login(ana.email, ana.password)
}

// TestTooManyKeys: an account holds at most 20 live keys; revoking one makes room.
func TestTooManyKeys(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.signUp("ana.manykeys@example.org")
	var first string
	for i := 0; i < 20; i++ {
		id, _ := a.createKey(ana, "catalogue:read")
		if i == 0 {
			first = id
		}
	}
	p := problemOf(t, a.send(http.MethodPost, "/v1/me/api-keys?lang=pt", map[string]any{"name": "x", "scopes": []string{"catalogue:read"}}, bearer(ana.access)...),
		http.StatusConflict, "/problems/too-many-keys")
	if !strings.Contains(p["detail"].(string), "20") {
		t.Errorf("detail %q", p["detail"])
	}
	expect(t, a.send(http.MethodDelete, "/v1/me/api-keys/"+first, nil, bearer(ana.access)...), http.StatusNoContent)
	a.createKey(ana, "catalogue:read")
}

// TestKeysDoNotActForAgencies: a key of an agency's member reads the catalogue as the public
// does (its drafts are 404, a published item has no editorial block) and cannot write content.
func TestKeysDoNotActForAgencies(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.founder("ana.keyagency@example.org", "Agência das Chaves")
	id, _ := a.draft(ana)
	expect(t, a.get("/v1/opportunities/"+id, bearer(ana.access)...), http.StatusOK)
	_, key := a.createKey(ana.account, "catalogue:read", "profile:read")
	problemOf(t, a.get("/v1/opportunities/"+id, withKey(key)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, map[string]any{"jobs": 3}, withKey(key)...),
		http.StatusForbidden, "/problems/insufficient-scope")
	problemOf(t, a.get("/v1/organizations/"+ana.org, withKey(key)...), http.StatusNotFound, "/problems/not-found")
	published := a.get("/v1/opportunities?limit=1").items(t)[0]["id"].(string)
	if r := a.get("/v1/opportunities/"+published, withKey(key)...); r.json(t)["editorial"] != nil {
		t.Errorf("a key read an editorial block: %s", r.body)
	}
}
