package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// An opportunity's neutral fields: a refused save shows the form as it was sent, and a save made
// on a version someone else saved over shows their values beside the form that keeps the
// editor's.
func TestConsoleOpportunityFieldsConflict(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Teste")
	base := "/en/console/orgs/" + org
	p := owner.get(base + "/new/opportunities")
	p = owner.post(base+"/new/opportunities", url.Values{"csrf": {p.csrf(t)}, "lang": {"en"}, "title": {"Hotel in Boa Vista"},
		"summary": {"Summary."}, "description": {"Description."}, "sectors": {"tourism"}})
	expectStatus(t, p, http.StatusSeeOther)
	m := editorLink.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		t.Fatalf("after creating: %s", p.header.Get("Location"))
	}
	item := base + "/opportunities/" + m[1]

	read := owner.get(item + "?lang=en")
	version := versionOf(t, read)
	p = owner.post(item+"/fields", url.Values{"csrf": {read.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"tourism"},
		"jobs": {" many "}, "region": {"sal"}, "contact_name": {" Ana "}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-jobs"`, `value=" many "`, `value=" Ana "`, `<option value="sal" selected>`)

	theirs := url.Values{"csrf": {read.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"tourism", "ict"}, "jobs": {"12"},
		"region": {"boa_vista"}, "min_investment": {"500000"}, "max_investment": {"2000000"}, "currency": {"EUR"}, "deadline": {"2030-06-30"}}
	expectStatus(t, owner.post(item+"/fields", theirs), http.StatusSeeOther)
	p = owner.post(item+"/fields", url.Values{"csrf": {read.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"health"}, "jobs": {"7"},
		"currency": {"USD"}})
	expectStatus(t, p, http.StatusConflict)
	expectContains(t, p, "The version saved now: Sectors tourism, ict; Island or region boa_vista; Minimum 500000.00; "+
		"Maximum 2000000.00 EUR; Expected jobs 12; Deadline 2030-06-30")
	expectContains(t, p, `value="health" checked`, `name="jobs" value="7"`)
}
