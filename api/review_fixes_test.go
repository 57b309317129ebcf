package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/api"
)

// TestDirectoryPagesPastLongNames: the directory's cursor holds the last name, which may be
// 300 characters of any script; the next page must still be reachable.
func TestDirectoryPagesPastLongNames(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	admin := a.admin("admin.longnames@example.org")
	// Digits first, so that these two come before the seeded organizations, by name.
	for i, first := range []string{"0", "1"} {
		ag := a.founder("founder.long"+string(rune('a'+i))+"@agency.cv", first+strings.Repeat("ç", 299))
		a.verify(admin, ag.org)
	}
	first := a.get("/v1/organizations?country=CV&limit=1")
	next, _ := first.json(t)["next_cursor"].(string)
	if next == "" {
		t.Fatalf("no next page: %s", first.body)
	}
	expect(t, a.get("/v1/organizations?country=CV&limit=1&cursor="+next), http.StatusOK)
}

// TestTranslationDeletionIsRecordedAsSuch: the history says a translation was deleted, not
// written.
func TestTranslationDeletionIsRecordedAsSuch(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	ana := a.founder("ana.deltr@agency.cv", "Agência Traduções")
	id, _ := a.draft(ana)
	expect(t, a.send(http.MethodPut, "/v1/opportunities/"+id+"/translations/en",
		map[string]any{"title": "Eco", "summary": "S", "description": "D"}, bearer(ana.access)...), http.StatusCreated)
	expect(t, a.send(http.MethodDelete, "/v1/opportunities/"+id+"/translations/en", nil, bearer(ana.access)...), http.StatusNoContent)
	items := a.get("/v1/opportunities/"+id+"/history?limit=100", bearer(ana.access)...).items(t)
	last := items[len(items)-1]["action"].(map[string]any)["code"]
	if last != "delete_translation" {
		t.Errorf("the last event is %v, want delete_translation", last)
	}
}

// TestEligibilityCountsAgainstTheAnonymousQuota: the costliest public read is counted like the
// others.
func TestEligibilityCountsAgainstTheAnonymousQuota(t *testing.T) {
	t.Parallel()
	a := newAPIWith(t, func(c *api.Config) { c.AnonymousQuota, c.QuotaWindow = 1, time.Hour })
	body := map[string]any{"country": "CV"}
	expect(t, a.send(http.MethodPost, "/v1/eligibility", body), http.StatusOK)
	problemOf(t, a.send(http.MethodPost, "/v1/eligibility", body), http.StatusTooManyRequests, "/problems/too-many-requests")
}

// TestCachedAnswersToKeysArePrivate: a key's reader gets a cached public answer marked private,
// as the same answer is marked when it is not cached.
func TestCachedAnswersToKeysArePrivate(t *testing.T) {
	t.Parallel()
	cache := api.NewCache(1<<20, time.Minute)
	cache.Live(true)
	a := newAPIWith(t, func(c *api.Config) { c.Cache = cache })
	ana := a.signUp("ana.cachekey@example.org")
	_, key := a.createKey(ana, "catalogue:read")
	expect(t, a.get("/v1/sectors"), http.StatusOK) // fills the cache
	r := a.get("/v1/sectors", withKey(key)...)
	expect(t, r, http.StatusOK)
	if cc := r.header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("a key's reader got Cache-Control %q from the cache", cc)
	}
}

// TestForwardedHostIsBelievedFromTrustedProxiesOnly: an Atom feed's links do not take a host
// that any client may send.
func TestForwardedHostIsBelievedFromTrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	r := a.get("/v1/countries/CV/opportunities.atom", "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https")
	expect(t, r, http.StatusOK)
	if strings.Contains(string(r.body), "evil.example") {
		t.Error("the feed's links use a host sent by an untrusted client")
	}
}
