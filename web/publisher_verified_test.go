package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// A detail page marks its publisher verified when the agency is one of its country's verified
// organizations, and says "not verified" otherwise.
func TestDetailPublisherVerified(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	var id, org string
	if err := db.QueryRow(`SELECT o.id, o.organization_id FROM opportunities o JOIN organizations g ON g.id = o.organization_id
		WHERE o.status = 'published' AND g.verified AND g.country_code = o.country_code ORDER BY o.id LIMIT 1`).Scan(&id, &org); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	p := b.get("/en/opportunities/" + id)
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "✓ verified agency")
	if _, err := db.Exec(`UPDATE organizations SET verified = false WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	p = b.get("/fr/opportunities/" + id) // another page than the one the page cache may hold
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "(non vérifiée)")
	if strings.Contains(p.body, `class="verified"`) {
		t.Error("an unverified agency is marked verified")
	}
}
