package web_test

import (
	"net/http"
	"testing"
)

// A published item another organization posted, named under one's own organization: the public
// page shows it, but none of its editor's pages exist here, for a member of another organization
// as for an administrator.
func TestConsoleEditorOfAnotherOrganizationsPublishedItem(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	var id string
	if err := db.Get(&id, `SELECT id FROM opportunities WHERE status = 'published' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, newBrowser(t, app).get("/en/opportunities/"+id), http.StatusOK)
	stranger := consoleUser(t, app, "stranger@example.org")
	org := applyFor(t, stranger, "Outra Agência")
	admin := consoleAdmin(t, app, db)
	item := "/en/console/orgs/" + org + "/opportunities/" + id
	for _, b := range []*browser{stranger, admin} {
		for _, path := range []string{item, item + "/history", item + "/preview"} {
			expectStatus(t, b.get(path), http.StatusNotFound)
		}
	}
}
