package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// consoleUser signs up a new account through the site's form and returns its browser.
func consoleUser(t *testing.T, app *fiber.App, email string) *browser {
	t.Helper()
	b := newBrowser(t, app)
	p := b.get("/en/signup")
	expectStatus(t, b.post("/en/signup", url.Values{"csrf": {p.csrf(t)}, "email": {email}, "password": {"a long passphrase of ours"}}), http.StatusSeeOther)
	return b
}

// consoleAdmin signs up an account and makes it an administrator (as `marketplace admin create`
// would).
func consoleAdmin(t *testing.T, app *fiber.App, db *sqlx.DB) *browser {
	t.Helper()
	b := consoleUser(t, app, "admin@example.org")
	if _, err := db.Exec(`UPDATE users SET role = 'admin' WHERE email = 'admin@example.org'`); err != nil {
		t.Fatal(err)
	}
	return b
}

var orgLink = regexp.MustCompile(`/console/orgs/([0-9a-f-]{36})`)

// applyFor applies for an organization of Cabo Verde through the console's form and returns
// its id.
func applyFor(t *testing.T, b *browser, name string) string {
	t.Helper()
	p := b.get("/en/console/apply")
	expectStatus(t, p, http.StatusOK)
	p = b.post("/en/console/apply", url.Values{"csrf": {p.csrf(t)}, "name": {name}, "country": {"CV"},
		"type": {"investment_promotion_agency"}, "website": {"https://example.org/agency"}})
	expectStatus(t, p, http.StatusSeeOther)
	m := orgLink.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		t.Fatalf("after applying: %s", p.header.Get("Location"))
	}
	return m[1]
}

func expectPrivate(t *testing.T, p page) {
	t.Helper()
	if cc := p.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q, want private, no-store", cc)
	}
}

func TestConsoleSignedInOnly(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	for _, path := range []string{"/en/console/", "/pt/console/apply", "/fr/console/orgs/00000000-0000-0000-0000-000000000000/inbox"} {
		p := b.get(path)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/"+path[1:3]+"/signin?next=") {
			t.Errorf("%s: %d %s", path, p.status, p.header.Get("Location"))
		}
		expectPrivate(t, p)
	}
	// A form posted by someone signed out goes to sign in too, and changes nothing.
	p := b.post("/en/console/apply", url.Values{"name": {"X"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "/en/signin") {
		t.Errorf("post signed out: %d %s", p.status, p.header.Get("Location"))
	}
	// An API bearer token is no console session.
	req, _ := http.NewRequest(http.MethodGet, "/en/console/", nil)
	req.Header.Set("Authorization", "Bearer whatever")
	if p := b.do(req); p.status != http.StatusSeeOther {
		t.Errorf("bearer token: %d", p.status)
	}
}

func TestConsoleOrganizations(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")

	// Home, in each language, private, with the link to apply.
	for lang, text := range map[string]string{"en": "Apply for an organization", "pt": "Candidatar uma organização", "fr": "Demander l&#39;inscription"} {
		p := owner.get("/" + lang + "/console/")
		expectStatus(t, p, http.StatusOK)
		expectPrivate(t, p)
		expectContains(t, p, text, `<html lang="`+lang+`"`, `name="robots" content="noindex"`)
	}

	// Applying: problems beside the fields, in the page's language; then the organization.
	p := owner.get("/fr/console/apply")
	p = owner.post("/fr/console/apply", url.Values{"csrf": {p.csrf(t)}, "name": {""}, "country": {"ZZ"}, "type": {"bank"}, "website": {"ftp://x"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	// Focus moves to the summary of the problems (no script needed), which links to each field.
	expectContains(t, p, `class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus`, `href="#f-name"`, `href="#f-country"`, `href="#f-type"`, `href="#f-website"`,
		`id="f-name-error"`, `aria-describedby="f-country-error"`, "Code pays inconnu ZZ")
	// Without the CSRF token, refused.
	expectStatus(t, owner.post("/en/console/apply", url.Values{"name": {"Agência"}, "country": {"CV"}, "type": {"investment_promotion_agency"}}), http.StatusForbidden)

	org := applyFor(t, owner, "Agência do Teste")
	p = owner.get("/en/console/orgs/" + org + "?done=applied")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	expectContains(t, p, "Agência do Teste", "Not verified", "waiting for an administrator", "Your application is recorded",
		"owner@example.org", "Invite a colleague", `0 unread`)

	// Inviting: a bad address is refused beside the field; a good one is listed as waiting.
	p = owner.post("/en/console/orgs/"+org+"/invitations", url.Values{"csrf": {p.csrf(t)}, "email": {"not an address"}, "role": {"member"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-email"`, `id="f-email-error"`)
	p = owner.post("/en/console/orgs/"+org+"/invitations", url.Values{"csrf": {p.csrf(t)}, "email": {"Colleague@Example.org"}, "role": {"member"}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(p.header.Get("Location"))
	expectContains(t, p, "Invitation sent.", "colleague@example.org", "Waiting for an answer")

	// The colleague sees the invitation in their own console, and accepts it.
	colleague := consoleUser(t, app, "colleague@example.org")
	p = colleague.get("/pt/console/")
	expectContains(t, p, "Convites para si", "Agência do Teste convida-o a juntar-se como membro")
	m := regexp.MustCompile(`/pt/console/invitations/([0-9a-f-]{36})/accept`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no accept form:\n%s", p.body)
	}
	p = colleague.post(m[0], url.Values{"csrf": {p.csrf(t)}})
	expectStatus(t, p, http.StatusSeeOther)
	p = colleague.get(p.header.Get("Location"))
	expectContains(t, p, "Juntou-se à organização", "colleague@example.org", "owner@example.org", "Sair da organização")
	if strings.Contains(p.body, "Convidar um colega") {
		t.Error("a plain member sees the invitation form")
	}
	colleagueID := memberID(t, db, "colleague@example.org")
	ownerID := memberID(t, db, "owner@example.org")

	// A plain member may not invite, change roles or remove: the server refuses (403).
	token := p.csrf(t)
	expectStatus(t, colleague.post("/en/console/orgs/"+org+"/invitations", url.Values{"csrf": {token}, "email": {"x@example.org"}}), http.StatusForbidden)
	p = colleague.post("/en/console/orgs/"+org+"/members/"+ownerID+"/remove", url.Values{"csrf": {token}})
	expectStatus(t, p, http.StatusForbidden)
	expectContains(t, p, "Only an owner of the organization")
	expectStatus(t, colleague.post("/en/console/orgs/"+org+"/members/"+colleagueID+"/role", url.Values{"csrf": {token}, "role": {"owner"}}), http.StatusForbidden)

	// The owner makes the colleague an owner, then the last-owner rule holds for the colleague
	// after the owner leaves.
	token = owner.get("/en/console/orgs/" + org).csrf(t)
	expectStatus(t, owner.post("/en/console/orgs/"+org+"/members/"+colleagueID+"/role", url.Values{"csrf": {token}, "role": {"owner"}}), http.StatusSeeOther)
	p = owner.post("/en/console/orgs/"+org+"/members/"+ownerID+"/remove", url.Values{"csrf": {token}})
	expectStatus(t, p, http.StatusSeeOther)
	if p.header.Get("Location") != "/en/console/?done=left" {
		t.Errorf("after leaving: %s", p.header.Get("Location"))
	}
	// Gone: the unverified organization does not exist for its former owner.
	expectStatus(t, owner.get("/en/console/orgs/"+org), http.StatusNotFound)
	p = colleague.post("/en/console/orgs/"+org+"/members/"+colleagueID+"/remove", url.Values{"csrf": {colleague.get("/en/console/").csrf(t)}})
	expectStatus(t, p, http.StatusConflict)
	expectContains(t, p, "keeps at least one owner")

	// Another organization's member: its pages do not exist (404), its forms neither.
	stranger := consoleUser(t, app, "stranger@example.org")
	applyFor(t, stranger, "Outra Agência")
	for _, path := range []string{"/en/console/orgs/" + org, "/en/console/orgs/" + org + "/inbox"} {
		expectStatus(t, stranger.get(path), http.StatusNotFound)
	}
	token = stranger.get("/en/console/").csrf(t)
	expectStatus(t, stranger.post("/en/console/orgs/"+org+"/invitations", url.Values{"csrf": {token}, "email": {"x@example.org"}}), http.StatusNotFound)
	expectStatus(t, stranger.post("/en/console/admin/organizations/"+org+"/verify", url.Values{"csrf": {token}}), http.StatusNotFound)
	expectStatus(t, stranger.get("/en/console/admin/organizations"), http.StatusForbidden)

	// The administrator sees the pending applications, oldest first, and verifies one.
	admin := consoleAdmin(t, app, db)
	p = admin.get("/en/console/admin/organizations")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	if i, j := strings.Index(p.body, "Agência do Teste"), strings.Index(p.body, "Outra Agência"); i < 0 || j < 0 || i > j {
		t.Errorf("pending applications, oldest first:\n%s", p.body)
	}
	p = admin.post("/en/console/admin/organizations/"+org+"/verify", url.Values{"csrf": {p.csrf(t)}})
	expectStatus(t, p, http.StatusSeeOther)
	p = admin.get(p.header.Get("Location"))
	expectContains(t, p, "The organization is verified.", "Verified</strong>", "It can publish", "Withdraw the verification")
	p = admin.post("/en/console/admin/organizations/"+org+"/unverify", url.Values{"csrf": {p.csrf(t)}})
	expectStatus(t, p, http.StatusSeeOther)
	p = colleague.get("/en/console/orgs/" + org)
	expectContains(t, p, "Not verified", "an administrator withdrew the verification")
	// The withdrawal is still told after many newer events of the organization's content (the
	// page once looked for it among the latest 200 events of its history).
	if _, err := db.Exec(`INSERT INTO audit_events (entity, entity_id, organization_id, action)
		SELECT 'opportunity', gen_random_uuid(), $1, 'update' FROM generate_series(1, 250)`, org); err != nil {
		t.Fatal(err)
	}
	p = colleague.get("/en/console/orgs/" + org)
	expectContains(t, p, "Not verified", "an administrator withdrew the verification")
}

func memberID(t *testing.T, db *sqlx.DB, email string) string {
	t.Helper()
	var id string
	if err := db.Get(&id, `SELECT id FROM users WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	return id
}

// apiToken signs in through the API and returns an access token.
func apiToken(t *testing.T, app *fiber.App, email string) string {
	t.Helper()
	tok := apiCall(t, app, http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": "a long passphrase of ours"}, "")
	return tok["access_token"].(string)
}

// publishedOpportunity makes owner's organization verified (by the administrator's console)
// and publishes an opportunity through the API; it returns its id.
func publishedOpportunity(t *testing.T, app *fiber.App, admin *browser, org, ownerEmail, title string) string {
	t.Helper()
	p := admin.get("/en/console/admin/organizations")
	expectStatus(t, admin.post("/en/console/admin/organizations/"+org+"/verify", url.Values{"csrf": {p.csrf(t)}}), http.StatusSeeOther)
	access := apiToken(t, app, ownerEmail)
	d := apiCall(t, app, http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "sectors": []string{"tourism"},
		"lang": "pt", "title": title, "summary": "Um resumo.", "description": "Uma descrição da oportunidade."}, access)
	id := d["id"].(string)
	apiCall(t, app, http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, access)
	apiCall(t, app, http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, access)
	return id
}

func TestConsoleInbox(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Teste")
	admin := consoleAdmin(t, app, db)
	opp := publishedOpportunity(t, app, admin, org, "owner@example.org", "Hotel na Boa Vista")

	// An investor sends an interest through the site, sharing their e-mail address.
	investor := consoleUser(t, app, "investor@example.org")
	p := investor.get("/en/opportunities/" + opp + "/interest")
	expectStatus(t, p, http.StatusOK)
	p = investor.post("/en/opportunities/"+opp+"/interest", url.Values{"csrf": {p.csrf(t)}, "message": {"I would like to visit the site.\nNext spring."},
		"share": {"email"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("interest: %d\n%s", p.status, p.body)
	}

	// Unread in the navigation, listed as new.
	p = owner.get("/en/console/orgs/" + org + "/inbox")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	expectContains(t, p, "1 unread", "Hotel na Boa Vista", "(new)")
	expectContains(t, owner.get("/en/console/"), "Inbox: 1 unread")
	m := regexp.MustCompile(`/en/console/orgs/` + org + `/inbox/([0-9a-f-]{36})`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no interest link:\n%s", p.body)
	}
	interest := m[0]

	// Another organization's member, or an investor, cannot open it in a console.
	stranger := consoleUser(t, app, "stranger@example.org")
	other := applyFor(t, stranger, "Outra Agência")
	expectStatus(t, stranger.get(interest), http.StatusNotFound)
	expectStatus(t, stranger.get(strings.Replace(interest, org, other, 1)), http.StatusNotFound)
	expectStatus(t, investor.get(interest), http.StatusNotFound)

	// Opening it marks it read; the investor's shared fields and message show.
	p = owner.get(interest)
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "0 unread", "investor@example.org", "E-mail address", "I would like to visit the site.", "Next spring.", ">Read<")
	p = owner.get("/en/console/orgs/" + org + "/inbox?status=sent")
	expectContains(t, p, "No expression of interest here.")

	// An empty answer is refused beside the field; a real one is sent, and the investor sees it.
	p = owner.post(interest+"/answer", url.Values{"csrf": {p.csrf(t)}, "reply": {"  "}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-reply"`, `id="f-reply-error"`)
	p = owner.post(interest+"/answer", url.Values{"csrf": {p.csrf(t)}, "reply": {"Welcome: call us on Monday."}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(p.header.Get("Location"))
	expectContains(t, p, "Your answer is sent.", "Welcome: call us on Monday.", ">Answered<")
	p = investor.get("/en/account/interests")
	expectContains(t, p, "Welcome: call us on Monday.")

	// Closed, it takes no answer any more (the rule says 409).
	expectStatus(t, owner.post(interest+"/close", url.Values{"csrf": {owner.get(interest).csrf(t)}}), http.StatusSeeOther)
	p = owner.get(interest)
	expectContains(t, p, ">Closed<")
	if strings.Contains(p.body, "Send the answer") {
		t.Error("a closed interest offers an answer")
	}
	p = owner.post(interest+"/answer", url.Values{"csrf": {p.csrf(t)}, "reply": {"Again"}})
	expectStatus(t, p, http.StatusConflict)
	// Without its token, refused.
	expectStatus(t, owner.post(interest+"/close", url.Values{}), http.StatusForbidden)
}

func TestConsoleContentList(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Teste")
	access := apiToken(t, app, "owner@example.org")
	draft := func(title string) string {
		d := apiCall(t, app, http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "sectors": []string{"tourism"},
			"lang": "pt", "title": title, "summary": "Um resumo.", "description": "Uma descrição."}, access)
		return d["id"].(string)
	}
	alone := draft("Só em português")
	both := draft("Em duas línguas")
	apiCall(t, app, http.MethodPut, "/v1/opportunities/"+both+"/translations/en", map[string]any{"title": "In two languages",
		"summary": "A summary.", "description": "A description."}, access)
	// The Portuguese source changes after the English translation: English is stale.
	apiCall(t, app, http.MethodPut, "/v1/opportunities/"+both+"/translations/pt", map[string]any{"title": "Em duas línguas, revisto",
		"summary": "Um resumo novo.", "description": "Uma descrição."}, access)
	apiCall(t, app, http.MethodPost, "/v1/opportunities/"+alone+"/submit", nil, access)

	list := "/en/console/orgs/" + org + "/content"
	p := owner.get(list)
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	// Newest change first (the submission was last), titles in the reader's language where
	// they exist; the stale language is flagged.
	if i, j := strings.Index(p.body, "Só em português"), strings.Index(p.body, "In two languages"); i < 0 || j < 0 || i > j {
		t.Errorf("newest change first:\n%s", p.body[strings.Index(p.body, "<tbody>"):])
	}
	expectContains(t, p, "en <strong>(stale)</strong>", "In review", "Draft")
	for query, want := range map[string][2]bool{ // [shows alone, shows both]
		"gap=missing-en": {true, false}, "gap=missing-fr": {true, true}, "gap=stale": {false, true}, "gap=missing-pt": {false, false},
		"status=in_review": {true, false}, "status=draft&gap=stale": {false, true}, "kind=incentives": {false, false}, "kind=opportunities": {true, true},
	} {
		p := owner.get(list + "?" + query)
		expectStatus(t, p, http.StatusOK)
		if got := [2]bool{strings.Contains(p.body, "/"+alone+`"`), strings.Contains(p.body, "/"+both+`"`)}; got != want {
			t.Errorf("%s: shows %v, want %v", query, got, want)
		}
	}
	expectContains(t, owner.get("/fr/console/orgs/"+org+"/content"), "Manque en français", "périmée")
	expectStatus(t, owner.get(list+"?cursor=nonsense"), http.StatusNotFound)
	// Past a page, the next page's link keeps the filter: 21 items missing in English, 20 then 1.
	for i := 0; i < 20; i++ {
		draft(fmt.Sprintf("Rascunho %d", i))
	}
	p = owner.get(list + "?gap=missing-en")
	next := regexp.MustCompile(`href="(\?[^"]+)" rel="next"`).FindStringSubmatch(p.body)
	if next == nil || strings.Count(p.body, "<tr><td><a href=") != 20 {
		t.Fatalf("the first page of 21: %d rows, next %v", strings.Count(p.body, "<tr><td><a href="), next)
	}
	p = owner.get(list + strings.ReplaceAll(next[1], "&amp;", "&"))
	expectStatus(t, p, http.StatusOK)
	if rows := strings.Count(p.body, "<tr><td><a href="); rows != 1 || strings.Contains(p.body, `rel="next"`) || strings.Contains(p.body, "/"+both+`"`) {
		t.Errorf("the second page: %d rows, want the last one missing in English", rows)
	}

	// Another organization's member: 404; a plain investor neither.
	stranger := consoleUser(t, app, "stranger@example.org")
	expectStatus(t, stranger.get(list), http.StatusNotFound)
	// The review queue is the administrators'.
	expectStatus(t, owner.get("/en/console/admin/review"), http.StatusForbidden)
	admin := consoleAdmin(t, app, db)
	p = admin.get("/en/console/admin/review")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "Só em português", "Agência do Teste")
	if strings.Contains(p.body, "Em duas línguas") {
		t.Error("a draft is in the review queue")
	}
}

var editorLink = regexp.MustCompile(`/en/console/orgs/[0-9a-f-]{36}/opportunities/([0-9a-f-]{36})`)

func TestConsoleEditor(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Teste")
	base := "/en/console/orgs/" + org

	// A draft in Portuguese: problems beside the fields, in the editor's language.
	p := owner.get(base + "/new/opportunities")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	p = owner.post(base+"/new/opportunities", url.Values{"csrf": {p.csrf(t)}, "lang": {"pt"}, "title": {""}, "summary": {"Resumo."}, "description": {"Descrição."}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-title"`, `href="#f-sectors"`, `id="f-title-error"`)
	p = owner.post(base+"/new/opportunities", url.Values{"csrf": {p.csrf(t)}, "lang": {"pt"}, "title": {"Hotel na Boa Vista"}, "summary": {"Resumo."},
		"description": {"Descrição."}, "sectors": {"tourism"}})
	expectStatus(t, p, http.StatusSeeOther)
	m := editorLink.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		t.Fatalf("after creating: %s", p.header.Get("Location"))
	}
	id := m[1]
	item := base + "/opportunities/" + id

	// The English tab: missing; written; then the Portuguese source changes and English is stale.
	p = owner.get(item + "?lang=en")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	expectContains(t, p, "No text in English yet", `aria-current="page">English (missing)`, "Submit for review", "Delete the draft")
	if strings.Contains(p.body, ">Publish<") {
		t.Error("an unverified organization is offered Publish")
	}
	version := versionOf(t, p)
	p = owner.post(item+"/text/en", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "title": {"Hotel in Boa Vista"}, "summary": {"Summary."}, "description": {"Description."}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(p.header.Get("Location"))
	expectContains(t, p, "Saved.", "Hotel in Boa Vista", "Written by")
	version = versionOf(t, p)
	expectStatus(t, owner.post(item+"/text/pt", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "title": {"Hotel na Boa Vista"}, "summary": {"Resumo novo."},
		"description": {"Descrição."}}), http.StatusSeeOther)
	p = owner.get(item + "?lang=en")
	expectContains(t, p, "This translation is stale", "English (stale)", "Mark reviewed")
	version = versionOf(t, p)
	p = owner.post(item+"/reviewed/en", url.Values{"csrf": {p.csrf(t)}, "version": {version}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(p.header.Get("Location"))
	expectContains(t, p, "marked reviewed")
	if strings.Contains(p.body, "This translation is stale") {
		t.Error("still stale after mark reviewed")
	}

	// Two editors: the second save, made on the version read before the first, sees both.
	colleague := consoleUser(t, app, "colleague@example.org")
	invitePage := owner.get(base)
	expectStatus(t, owner.post(base+"/invitations", url.Values{"csrf": {invitePage.csrf(t)}, "email": {"colleague@example.org"}}), http.StatusSeeOther)
	home := colleague.get("/en/console/")
	inv := regexp.MustCompile(`/en/console/invitations/[0-9a-f-]{36}/accept`).FindString(home.body)
	expectStatus(t, colleague.post(inv, url.Values{"csrf": {home.csrf(t)}}), http.StatusSeeOther)
	mine := owner.get(item + "?lang=en")
	theirs := colleague.get(item + "?lang=en")
	v1 := versionOf(t, theirs)
	expectStatus(t, colleague.post(item+"/text/en", url.Values{"csrf": {theirs.csrf(t)}, "version": {v1}, "title": {"Their title"}, "summary": {"S."}, "description": {"D."}}), http.StatusSeeOther)
	p = owner.post(item+"/text/en", url.Values{"csrf": {mine.csrf(t)}, "version": {v1}, "title": {"My title"}, "summary": {"S."}, "description": {"D."}})
	expectStatus(t, p, http.StatusConflict)
	expectContains(t, p, "Someone else saved this item in the meantime", "Their title", "My title", "Keep the saved version")
	// Saving again from the conflict page keeps mine, knowingly.
	v2 := versionOf(t, p)
	if v2 == v1 {
		t.Fatalf("the conflict page still carries the old version %s", v1)
	}
	expectStatus(t, owner.post(item+"/text/en", url.Values{"csrf": {p.csrf(t)}, "version": {v2}, "title": {"My title"}, "summary": {"S."}, "description": {"D."}}), http.StatusSeeOther)
	expectContains(t, owner.get(item+"?lang=en"), "My title")

	// Neutral fields: errors beside the fields; then saved.
	p = owner.get(item + "?lang=en")
	version = versionOf(t, p)
	p = owner.post(item+"/fields", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"tourism"}, "jobs": {"many"},
		"min_investment": {"10"}, "max_investment": {"5"}, "currency": {"EUR"}, "contact_email": {"nope"}, "source_url": {"ftp://x"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-jobs"`, `id="f-jobs-error"`)
	p = owner.post(item+"/fields", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"tourism"},
		"contact_email": {"nope"}, "source_url": {"ftp://x"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-contact.email"`, `href="#f-source.url"`, `value="nope"`)
	p = owner.post(item+"/fields", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "sectors": {"tourism", "ict"}, "jobs": {"12"},
		"region": {"boa_vista"}, "min_investment": {"500000"}, "max_investment": {"2000000"}, "currency": {"EUR"}, "deadline": {"2030-06-30"},
		"contact_name": {"Gabinete do Investidor"}, "contact_email": {"investir@example.cv"}, "source_title": {"Boletim Oficial"}, "source_url": {"https://example.cv/bo"}})
	expectStatus(t, p, http.StatusSeeOther)
	p = owner.get(item + "?lang=en")
	expectContains(t, p, `value="12"`, `value="2030-06-30"`, `value="ict" checked`, `value="investir@example.cv"`, `value="https://example.cv/bo"`)

	// History: who changed which field, from what, to what.
	p = owner.get(item + "/history")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "<code>jobs</code>: — → 12", "<code>title</code>: Their title → My title", "Translation marked reviewed")
	// Preview, in Portuguese, as the public page shows it.
	p = owner.get(item + "/preview?lang=pt")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	expectContains(t, p, "Preview:", "Hotel na Boa Vista", "Resumo novo.")
	// Not on the public site.
	expectStatus(t, newBrowser(t, app).get("/pt/opportunities/"+id), http.StatusNotFound)

	// Another organization's member: every editor URL is a 404, forms too.
	stranger := consoleUser(t, app, "stranger@example.org")
	applyFor(t, stranger, "Outra Agência")
	for _, path := range []string{item, item + "/history", item + "/preview", item + "?lang=fr"} {
		expectStatus(t, stranger.get(path), http.StatusNotFound)
	}
	token := stranger.get("/en/console/").csrf(t)
	expectStatus(t, stranger.post(item+"/text/en", url.Values{"csrf": {token}, "version": {"1"}, "title": {"x"}}), http.StatusNotFound)
	expectStatus(t, stranger.post(item+"/workflow/submit", url.Values{"csrf": {token}, "version": {"1"}}), http.StatusNotFound)

	// Workflow: submit; the administrator rejects with a reason (required), then it is a draft
	// again with the reason shown; resubmitted, verified, published by the organization.
	p = owner.get(item + "?lang=en")
	version = versionOf(t, p)
	expectStatus(t, owner.post(item+"/workflow/submit", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}}), http.StatusSeeOther)
	admin := consoleAdmin(t, app, db)
	p = admin.get(item + "?lang=en")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "In review", "Reason for the rejection", ">Publish<")
	if strings.Contains(owner.get(item).body, "Reason for the rejection") {
		t.Error("a member is offered Reject")
	}
	version = versionOf(t, p)
	p = admin.post(item+"/workflow/reject", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "reason": {" "}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-reason"`)
	expectStatus(t, admin.post(item+"/workflow/reject", url.Values{"csrf": {p.csrf(t)}, "version": {version}, "lang": {"en"}, "reason": {"Add the source."}}), http.StatusSeeOther)
	p = owner.get(item + "?lang=en")
	expectContains(t, p, "Draft", "Add the source.")
	// The server re-checks: a member cannot publish an unverified organization's item (403),
	// a stale version is refused (412), the wrong status too (409).
	version = versionOf(t, p)
	p = owner.post(item+"/workflow/publish", url.Values{"csrf": {p.csrf(t)}, "version": {version}})
	expectStatus(t, p, http.StatusForbidden)
	expectContains(t, p, "not verified yet")
	expectStatus(t, owner.post(item+"/workflow/submit", url.Values{"csrf": {p.csrf(t)}, "version": {"1"}}), http.StatusPreconditionFailed)
	expectStatus(t, owner.post(item+"/workflow/archive", url.Values{"csrf": {p.csrf(t)}, "version": {version}}), http.StatusConflict)
	expectStatus(t, owner.post(item+"/workflow/submit", url.Values{"csrf": {p.csrf(t)}, "version": {version}}), http.StatusSeeOther)
	pa := admin.get("/en/console/admin/organizations")
	expectStatus(t, admin.post("/en/console/admin/organizations/"+org+"/verify", url.Values{"csrf": {pa.csrf(t)}}), http.StatusSeeOther)
	p = owner.get(item)
	expectContains(t, p, ">Publish<")
	version = versionOf(t, p)
	expectStatus(t, owner.post(item+"/workflow/publish", url.Values{"csrf": {p.csrf(t)}, "version": {version}}), http.StatusSeeOther)
	expectStatus(t, newBrowser(t, app).get("/pt/opportunities/"+id), http.StatusOK)
	// Published: no Delete; Archive is there, and takes it off the public site.
	p = owner.get(item)
	if strings.Contains(p.body, "Delete the draft") {
		t.Error("a published item offers Delete")
	}
	version = versionOf(t, p)
	expectStatus(t, owner.post(item+"/workflow/archive", url.Values{"csrf": {p.csrf(t)}, "version": {version}}), http.StatusSeeOther)
	expectStatus(t, newBrowser(t, app).get("/pt/opportunities/"+id), http.StatusNotFound)
}

func TestConsoleRates(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	expectStatus(t, owner.get("/en/console/admin/rates"), http.StatusForbidden)
	admin := consoleAdmin(t, app, db)
	p := admin.get("/en/console/admin/rates")
	expectStatus(t, p, http.StatusOK)
	expectPrivate(t, p)
	expectContains(t, p, "<td>CVE</td><td>110.265")
	// Refused by the use case, beside the fields; the owner's token is no administrator's.
	expectStatus(t, owner.post("/en/console/admin/rates", url.Values{"csrf": {owner.get("/en/console/").csrf(t)}, "currency": {"USD"}}), http.StatusForbidden)
	p = admin.post("/en/console/admin/rates", url.Values{"csrf": {p.csrf(t)}, "currency": {"USD"}, "per_eur": {"-1"}, "as_of": {"2999-01-01"}, "source": {"ECB"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-per_eur"`, `href="#f-as_of"`)
	p = admin.post("/en/console/admin/rates", url.Values{"csrf": {p.csrf(t)}, "currency": {"usd"}, "per_eur": {"1.0842"}, "as_of": {"2026-12-01"}, "source": {"ECB reference rate"}})
	expectStatus(t, p, http.StatusSeeOther)
	p = admin.get(p.header.Get("Location"))
	expectContains(t, p, "The rate is recorded.", "<td>USD</td><td>1.0842", "ECB reference rate")
}

func TestConsoleIdentity(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	owner := consoleUser(t, app, "owner@example.org")
	org := applyFor(t, owner, "Agência do Tset")
	page := "/en/console/orgs/" + org
	p := owner.get(page)
	expectContains(t, p, "Change the name, acronym or website")
	p = owner.post(page+"/identity", url.Values{"csrf": {p.csrf(t)}, "name": {""}, "acronym": {"AT"}, "website": {"javascript:alert(1)"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-name"`, `href="#f-website"`, "<details open>")
	expectStatus(t, owner.post(page+"/identity", url.Values{"csrf": {p.csrf(t)}, "name": {"Agência do Teste"}, "acronym": {"AT"}}), http.StatusSeeOther)
	expectContains(t, owner.get(page), "Agência do Teste (AT)")
	// Verified: the identity is what the verification vouches for; the owner no longer changes it.
	admin := consoleAdmin(t, app, db)
	pa := admin.get("/en/console/admin/organizations")
	expectStatus(t, admin.post("/en/console/admin/organizations/"+org+"/verify", url.Values{"csrf": {pa.csrf(t)}}), http.StatusSeeOther)
	p = owner.get(page)
	expectContains(t, p, "ask an administrator to change them")
	if strings.Contains(p.body, "Change the name, acronym or website") {
		t.Error("the owner of a verified organization is offered the identity form")
	}
	p = owner.post(page+"/identity", url.Values{"csrf": {p.csrf(t)}, "name": {"Regulador Nacional"}})
	expectStatus(t, p, http.StatusForbidden)
	expectContains(t, p, "what its verification vouches for")
	p = admin.get(page)
	expectContains(t, p, "As an administrator")
	expectStatus(t, admin.post(page+"/identity", url.Values{"csrf": {p.csrf(t)}, "name": {"Agência do Teste, I.P."}, "acronym": {"AT"}}), http.StatusSeeOther)
	expectContains(t, owner.get(page), "Agência do Teste, I.P.", "Verified</strong>")
}
