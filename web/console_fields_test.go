package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// versionOf is the version an editor's page read (its first form's).
func versionOf(t *testing.T, p page) string {
	t.Helper()
	m := versionField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no version on the page:\n%s", p.body)
	}
	return m[1]
}

// The neutral fields of incentives and programmes, the date their sources were checked, the
// deletion of a translation and the older pages of the history, through the console's forms.
func TestConsoleNeutralFields(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Teste")
	base := "/en/console/orgs/" + org

	p := owner.get(base + "/new/incentives")
	p = owner.post(base+"/new/incentives", url.Values{"csrf": {p.csrf(t)}, "lang": {"pt"}, "title": {"Isenção de IUR"}, "summary": {"Resumo."},
		"description": {"Descrição."}, "type": {"tax"}, "legal_instrument": {"Código dos Benefícios Fiscais"}})
	expectStatus(t, p, http.StatusSeeOther)
	item := strings.Split(p.header.Get("Location"), "?")[0]
	if !strings.Contains(item, base+"/incentives/") {
		t.Fatalf("after creating: %s", item)
	}

	// Every broken rule beside its field, in the editor's language, the summary linking to each.
	p = owner.get(item + "?lang=en")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, `id="f-legal_article"`, `name="eligibility_min_jobs"`, `id="f-benefit_kind_0"`, `id="f-as_of"`)
	version := versionOf(t, p)
	fields := url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "type": {"tax"}, "legal_instrument": {"Código dos Benefícios Fiscais"},
		"legal_url": {"ftp://x"}, "valid_from": {"2027-01-01"}, "valid_until": {"2026-01-01"}, "eligibility_min_jobs": {"many"},
		"benefit_kind_0": {"tax_exemption"}, "benefit_percent_0": {"250"}}
	p = owner.post(item+"/fields", fields)
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-eligibility.min_jobs"`, `href="#f-legal_url"`, `href="#f-valid_until"`, `href="#f-benefits"`,
		`id="f-valid_until-error"`, "Must be a percentage from 0 to 100", `value="ftp://x"`, `value="many"`)
	if strings.Contains(p.body, `value="`+fmt.Sprint(atoi(t, version)+1)+`"`) {
		t.Error("a refused save changed the version")
	}

	// Saved, then read back as stored.
	fields.Set("legal_url", "https://example.cv/lei")
	fields.Set("valid_until", "2031-12-31")
	fields.Set("eligibility_min_jobs", "10")
	fields.Set("benefit_percent_0", "100")
	fields.Set("benefit_tax_0", "iur")
	fields.Set("benefit_years_0", "5")
	fields["eligibility_sectors"] = []string{"tourism", "ict"}
	fields.Set("eligibility_residence_abroad", "yes")
	fields.Set("source_title", "Boletim Oficial")
	fields.Set("source_url", "https://example.cv/bo")
	expectStatus(t, owner.post(item+"/fields", fields), http.StatusSeeOther)
	p = owner.get(item + "?lang=en")
	expectContains(t, p, `value="https://example.cv/lei"`, `value="2031-12-31"`, `value="10"`, `value="tourism" checked`, `value="ict" checked`,
		`value="yes" selected`, `value="tax_exemption" selected`, `value="iur" selected`, `value="Boletim Oficial"`)

	// A benefit's finer terms, which the form does not show, survive a save of the other fields.
	id := item[strings.LastIndex(item, "/")+1:]
	if _, err := db.Exec(`UPDATE incentive_benefits SET rate = 2.5, unverified = true WHERE incentive_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	p = owner.get(item + "?lang=en")
	fields.Set("version", versionOf(t, p))
	fields.Set("legal_article", "Artigo 11.º")
	expectStatus(t, owner.post(item+"/fields", fields), http.StatusSeeOther)
	var kept bool
	if err := db.Get(&kept, `SELECT rate = 2.5 AND unverified FROM incentive_benefits WHERE incentive_id = $1`, id); err != nil || !kept {
		t.Errorf("the benefit's finer terms after saving other fields: kept %v, %v", kept, err)
	}
	p = owner.get(item + "?lang=en")

	// Two editors: the second save on the version both read shows what is stored beside what
	// was sent, and nothing is overwritten.
	fields.Set("version", versionOf(t, p))
	fields.Set("legal_article", "Artigo 40.º")
	expectStatus(t, owner.post(item+"/fields", fields), http.StatusSeeOther)
	fields.Set("legal_article", "Artigo 99.º") // on the version read before the save above
	p = owner.post(item+"/fields", fields)
	expectStatus(t, p, http.StatusConflict)
	expectContains(t, p, "Someone else saved this item in the meantime", "Article", "Artigo 40.º", "Artigo 99.º", "Keep the saved version")
	expectContains(t, owner.get(item+"?lang=en"), `value="Artigo 40.º"`)

	// The date the sources were checked: not to come, then recorded, in the history.
	p = owner.get(item + "?lang=en")
	future := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	p = owner.post(item+"/as_of", url.Values{"csrf": {p.csrf(t)}, "version": {versionOf(t, p)}, "lang": {"en"}, "as_of": {future}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-as_of"`, "The date cannot be in the future.", `value="`+future+`"`)
	p = owner.post(item+"/as_of", url.Values{"csrf": {p.csrf(t)}, "version": {versionOf(t, p)}, "lang": {"en"}, "as_of": {"2026-11-20"}})
	expectStatus(t, p, http.StatusSeeOther)
	expectContains(t, owner.get(p.header.Get("Location")), "The sources were last checked on November 20, 2026")

	// A translation: deleted after its confirmation; the source's cannot be.
	p = owner.get(item + "?lang=en")
	expectStatus(t, owner.post(item+"/text/en", url.Values{"csrf": {p.csrf(t)}, "version": {versionOf(t, p)}, "title": {"IUR exemption"},
		"summary": {"S."}, "description": {"D."}}), http.StatusSeeOther)
	p = owner.get(item + "?lang=en")
	expectContains(t, p, `href="`+item+`/text/en/delete"`)
	if strings.Contains(owner.get(item+"?lang=pt").body, `/text/pt/delete"`) {
		t.Error("the source language is offered for deletion")
	}
	expectStatus(t, owner.get(item+"/text/pt/delete"), http.StatusNotFound)
	confirm := owner.get(item + "/text/en/delete")
	expectStatus(t, confirm, http.StatusOK)
	expectPrivate(t, confirm)
	expectContains(t, confirm, "Delete this translation?", "IUR exemption")
	expectStatus(t, owner.post(item+"/text/en/delete", url.Values{"version": {versionOf(t, confirm)}}), http.StatusForbidden) // no CSRF token
	p = owner.post(item+"/text/pt/delete", url.Values{"csrf": {confirm.csrf(t)}, "version": {versionOf(t, confirm)}})
	expectStatus(t, p, http.StatusConflict)
	expectContains(t, p, "The text in the source language cannot be deleted.")
	p = owner.post(item+"/text/en/delete", url.Values{"csrf": {confirm.csrf(t)}, "version": {versionOf(t, confirm)}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(p.header.Get("Location"))
	expectContains(t, p, "The translation is deleted.", "English (missing)")

	// Past 200 events, the history has older pages, newest first, down to the creation.
	if _, err := db.Exec(`INSERT INTO audit_events (entity, entity_id, organization_id, action, changes)
		SELECT 'incentive', $1, $2, 'update', jsonb_build_object('legal_article', jsonb_build_object('before', n, 'after', n + 1))
		FROM generate_series(1, 210) n`, id, org); err != nil {
		t.Fatal(err)
	}
	p = owner.get(item + "/history")
	expectStatus(t, p, http.StatusOK)
	older := regexp.MustCompile(`href="\?(before=[^"]+)" rel="next"`).FindStringSubmatch(p.body)
	if older == nil || strings.Contains(p.body, ">Created<") {
		t.Fatalf("the first page of the history: no older page, or the creation on it:\n%s", p.body[strings.Index(p.body, "<main"):])
	}
	p = owner.get(item + "/history?" + older[1])
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "Created")
	expectStatus(t, owner.get(item+"/history?before=forged"), http.StatusNotFound)
	p = owner.get(base + "/history")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, `rel="next"`)

	// A programme's own fields: its web page, its maximum amount, its validity.
	p = owner.get(base + "/new/programmes")
	p = owner.post(base+"/new/programmes", url.Values{"csrf": {p.csrf(t)}, "lang": {"pt"}, "title": {"Garantia PME"}, "summary": {"Resumo."},
		"description": {"Descrição."}, "type": {"guarantee"}})
	expectStatus(t, p, http.StatusSeeOther)
	programme := strings.Split(p.header.Get("Location"), "?")[0]
	p = owner.get(programme + "?lang=pt")
	operator := regexp.MustCompile(`name="operator_id"[^>]*><option value="([0-9a-f-]{36})" selected`).FindStringSubmatch(p.body)
	if operator == nil || operator[1] != org {
		t.Fatalf("the programme's operator is not its organization:\n%s", p.body)
	}
	p = owner.post(programme+"/fields", url.Values{"csrf": {p.csrf(t)}, "version": {versionOf(t, p)}, "lang": {"pt"}, "type": {"guarantee"},
		"operator_id": {org}, "url": {"https://example.cv/pme"}, "max_amount": {"250000"}, "max_amount_currency": {"EUR"},
		"valid_from": {"2026-01-01"}, "eligibility_investor_types": {"diaspora"}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(programme + "?lang=pt")
	expectContains(t, p, `value="https://example.cv/pme"`, `value="250000.00"`, `value="2026-01-01"`, `value="diaspora" checked`)

	// Another organization's member: none of these addresses exist for them.
	stranger := consoleUser(t, app, "stranger@example.org")
	applyFor(t, stranger, "Outra Agência")
	for _, path := range []string{item, item + "/history", item + "/text/en/delete", programme} {
		expectStatus(t, stranger.get(path), http.StatusNotFound)
	}
	token := stranger.get("/en/console/").csrf(t)
	expectStatus(t, stranger.post(item+"/as_of", url.Values{"csrf": {token}, "as_of": {"2026-01-01"}}), http.StatusNotFound)
	expectStatus(t, stranger.post(item+"/fields", url.Values{"csrf": {token}, "type": {"tax"}}), http.StatusNotFound)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
