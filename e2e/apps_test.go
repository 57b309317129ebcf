package e2e

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"net/http"
	"strconv"
	"testing"

	_ "github.com/lib/pq" // the test changes content in the server's database
)

// TestServerQuotasAndChangeFeed runs the server with small quotas from its environment
// (API_KEY_QUOTA, ANONYMOUS_QUOTA) and checks, over HTTP: anonymous reads and a key each have
// their budget, 304s are free, a spent budget is a 429 with Retry-After, the Atom feed is
// compressed when asked, the change feed replays a publication and an unpublication made in the
// database, and a revoked key is refused.
func TestServerQuotasAndChangeFeed(t *testing.T) {
	s, _, _ := startServer(t, "API_KEY_QUOTA=6", "ANONYMOUS_QUOTA=2")
	must := func(r reply, status int) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		return r
	}
	remaining := func(r reply, want int) {
		t.Helper()
		if got := r.header.Get("RateLimit-Remaining"); got != strconv.Itoa(want) {
			t.Errorf("RateLimit-Remaining %q, want %d", got, want)
		}
	}
	spent := func(r reply) {
		t.Helper()
		must(r, http.StatusTooManyRequests)
		if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}

	// Anonymous: 2 a minute, revalidation free.
	first := must(s.do(http.MethodGet, "/v1/sectors", nil, nil), http.StatusOK)
	if first.header.Get("RateLimit-Limit") != "2" {
		t.Errorf("anonymous RateLimit-Limit %q", first.header.Get("RateLimit-Limit"))
	}
	remaining(must(s.do(http.MethodGet, "/v1/sectors", nil, map[string]string{"If-None-Match": first.header.Get("ETag")}), http.StatusNotModified), 1)
	remaining(must(s.do(http.MethodGet, "/v1/countries", nil, nil), http.StatusOK), 0)
	spent(s.do(http.MethodGet, "/v1/countries", nil, nil))

	// An app's key.
	const email, password = "portal@example.org", "uma frase longa para o portal"
	must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, ""), http.StatusCreated)
	access := must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusOK).object(t)["access_token"].(string)
	created := must(s.json(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "Portal", "scopes": []string{"catalogue:read"}}, access), http.StatusCreated).object(t)
	withKey := map[string]string{"X-API-Key": created["key"].(string)}

	// The change feed from an empty cursor: every published item, once.
	feed := must(s.do(http.MethodGet, "/v1/changes?limit=100", nil, withKey), http.StatusOK)
	remaining(feed, 5)
	body := feed.object(t)
	seen := map[string]bool{}
	for _, it := range body["items"].([]any) {
		seen[it.(map[string]any)["id"].(string)] = true
	}
	db, err := sql.Open("postgres", s.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var published int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM opportunities WHERE status = 'published')
		+ (SELECT count(*) FROM incentives WHERE status = 'published') + (SELECT count(*) FROM programmes WHERE status = 'published')`).Scan(&published); err != nil {
		t.Fatal(err)
	}
	if body["next_cursor"] != nil || len(seen) != published {
		t.Fatalf("the feed from the start has %d items (next_cursor %v), %d are published", len(seen), body["next_cursor"], published)
	}
	remaining(must(s.do(http.MethodGet, "/v1/changes?limit=100", nil, map[string]string{"X-API-Key": withKey["X-API-Key"],
		"If-None-Match": feed.header.Get("ETag")}), http.StatusNotModified), 5)

	// An unpublication and a publication, made in the database, come next, in order.
	var archived, draft string
	if err := db.QueryRow(`UPDATE opportunities SET status = 'archived' WHERE id = (SELECT id FROM opportunities
		WHERE status = 'published' ORDER BY slug LIMIT 1) RETURNING id`).Scan(&archived); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`UPDATE opportunities SET status = 'published', published_at = now() WHERE id = (SELECT id
		FROM opportunities WHERE status = 'draft' ORDER BY slug LIMIT 1) RETURNING id`).Scan(&draft); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`SELECT read_model_refresh('opportunities', NULL)`); err != nil {
		t.Fatal(err)
	}
	since := must(s.do(http.MethodGet, "/v1/changes?cursor="+body["resume_cursor"].(string), nil, withKey), http.StatusOK).object(t)
	items := since["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("changes since: %v", items)
	}
	for i, want := range []struct{ id, change string }{{archived, "unpublished"}, {draft, "created"}} {
		it := items[i].(map[string]any)
		if it["id"] != want.id || it["change"] != want.change {
			t.Errorf("change %d: %v, want %s %s", i, it, want.id, want.change)
		}
	}

	// The Atom feed, compressed on request; the newly published opportunity first.
	atom := must(s.do(http.MethodGet, "/v1/countries/CV/opportunities.atom?lang=fr", nil,
		map[string]string{"X-API-Key": withKey["X-API-Key"], "Accept-Encoding": "gzip"}), http.StatusOK)
	if atom.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("the Atom feed is not compressed: %v", atom.header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(atom.body))
	if err != nil {
		t.Fatal(err)
	}
	xml, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(xml, []byte(`xml:lang="fr"`)) || !bytes.Contains(xml, []byte("urn:uuid:"+draft)) {
		t.Errorf("the feed lacks French or the new opportunity:\n%s", xml[:min(len(xml), 800)])
	}

	// The key's budget ends; revoked, it is refused.
	remaining(atom, 3)
	for range 3 {
		must(s.do(http.MethodGet, "/v1/sectors", nil, withKey), http.StatusOK)
	}
	spent(s.do(http.MethodGet, "/v1/sectors", nil, withKey))
	must(s.json(http.MethodDelete, "/v1/me/api-keys/"+created["id"].(string), nil, access), http.StatusNoContent)
	must(s.do(http.MethodGet, "/v1/sectors", nil, withKey), http.StatusUnauthorized)
}
