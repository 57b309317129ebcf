package web_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/web"
)

func TestRootNegotiatesLanguage(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	for accept, want := range map[string]string{"fr-CA,fr;q=0.9": "/fr/", "pt-BR": "/pt/", "de, en;q=0.5": "/en/", "": "/en/", "zz": "/en/"} {
		p := b.get("/", "Accept-Language", accept)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != want {
			t.Errorf("Accept-Language %q: %d %s, want 303 %s", accept, p.status, p.header.Get("Location"), want)
		}
	}
	// Switching remembers the choice, and goes to the same page in the other language.
	p := b.get("/en/language?to=pt&next=" + url.QueryEscape("/en/countries/CV?x=1"))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/pt/countries/CV?x=1" {
		t.Fatalf("switch: %d %s", p.status, p.header.Get("Location"))
	}
	if p := b.get("/", "Accept-Language", "fr"); p.header.Get("Location") != "/pt/" {
		t.Errorf("the remembered language is not used: %s", p.header.Get("Location"))
	}
	// No open redirect.
	if p := b.get("/en/language?to=fr&next=" + url.QueryEscape("//evil.example/")); p.header.Get("Location") != "/fr/" {
		t.Errorf("next to another site: %s", p.header.Get("Location"))
	}
	if p := b.get("/fr"); p.status != http.StatusMovedPermanently || p.header.Get("Location") != "/fr/" {
		t.Errorf("/fr: %d %s", p.status, p.header.Get("Location"))
	}
	// The API is where it was.
	if p := b.get("/v1/countries"); p.status != http.StatusOK || !strings.Contains(p.header.Get("Content-Type"), "json") {
		t.Errorf("/v1/countries: %d %s", p.status, p.header.Get("Content-Type"))
	}
}

func TestPagesHeadersAndLanguages(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	for lang, heading := range map[string]string{"en": "Invest where you come from", "pt": "Invista de onde vem", "fr": "Investir là d&#39;où l&#39;on vient"} {
		p := b.get("/" + lang + "/")
		expectStatus(t, p, http.StatusOK)
		expectContains(t, p, `<html lang="`+lang+`"`, heading, `<main id="main"`, `<header class="site">`, `<nav class="main"`, `<footer class="site">`,
			`class="skip" href="#main"`, `hreflang="pt" href="/pt/"`, `hreflang="fr" href="/fr/"`, `rel="canonical" href="/`+lang+`/"`,
			`property="og:title"`, "Cabo Verde"[:0]+"/"+lang+"/countries/CV")
		h := p.header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP: %q", csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("headers: %v", h)
		}
		if cc := h.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("an anonymous public page is %q", cc)
		}
		if h.Get("Content-Language") != lang {
			t.Errorf("Content-Language %q", h.Get("Content-Language"))
		}
		if strings.Contains(p.body, "<script") || strings.Contains(p.body, "style=") {
			t.Errorf("inline script or style on %s", lang)
		}
	}
	// Revalidation: the same page again with its validator is a 304 without a body.
	first := b.get("/pt/countries/CV")
	etag := first.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a public page")
	}
	if again := b.get("/pt/countries/CV", "If-None-Match", etag); again.status != http.StatusNotModified || again.body != "" {
		t.Errorf("revalidation: %d, %d bytes", again.status, len(again.body))
	}
	// Plural forms: one incentive, two incentives.
	p := b.get("/en/")
	expectContains(t, p, "1 incentive<", "14 incentives<", "0 opportunities<")
	p = b.get("/fr/")
	expectContains(t, p, "0 opportunité<", "14 incitations<")
	// Unknown pages are HTML 404s in the language of the URL; the API's stay problems.
	p = b.get("/fr/nowhere")
	expectStatus(t, p, http.StatusNotFound)
	expectContains(t, p, "Page introuvable")
	// The stylesheet: embedded, versioned, cached for ever.
	css := regexp.MustCompile(`href="(/assets/site\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(p.body)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	a := b.get(css[1])
	if a.status != http.StatusOK || !strings.Contains(a.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(a.header.Get("Content-Type"), "text/css") {
		t.Errorf("asset: %d %v", a.status, a.header)
	}
}

func TestCountryListFiltersFacetsAndPages(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/fr/countries/CV")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "La diaspora en chiffres", "Contesté", "Boa Vista", `type="application/atom+xml"`, "/v1/countries/CV/opportunities.atom?lang=fr", "agence vérifiée")
	// Runs of one metric read as tables, one row per place: the remittances by country of
	// residence and by municipality (named, not left out).
	expectContains(t, p, `<table class="facts">`, `<th scope="col">Où</th>`, `<th scope="row">Portugal</th>`, `<th scope="row">Praia</th>`)
	if n, facts := strings.Count(p.body, `<table class="facts">`), strings.Count(p.body, "<tr>"); n < 2 || facts < 15 {
		t.Errorf("Cabo Verde's facts: %d tables, %d rows", n, facts)
	}
	// The incentives of a diaspora investor in tourism on Boa Vista, in French: a plain GET.
	p = b.get("/fr/countries/CV/incentives?sector=tourism&region=boa_vista&investor_type=diaspora")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, `value="tourism" checked`, `<option value="boa_vista" selected>Boa Vista (`, "Tourisme <span class=\"muted\">(")
	if n := strings.Count(p.body, `<li class="card">`); n == 0 {
		t.Fatal("no incentive found")
	}
	// Keyset pages: 14 incentives, 10 a page.
	p = b.get("/en/countries/CV/incentives")
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body)
	if next == nil {
		t.Fatal("no next page")
	}
	p2 := b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	expectStatus(t, p2, http.StatusOK)
	expectContains(t, p2, "4 items on this page.", "First page")
	// Bad filters: one message per field, beside it and in the summary.
	p = b.get("/en/countries/CV/opportunities?sector=nope&min_amount=abc&currency=XXX")
	expectStatus(t, p, http.StatusBadRequest)
	expectContains(t, p, "There is a problem", `href="#f-sector"`, `href="#f-min_amount"`, "Unknown code nope", "Unknown currency XXX")
	// Search with highlighted matches.
	p = b.get("/en/countries/CV/incentives?q=energia+renovavel")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "<mark>", `name="robots" content="noindex"`)
	p = b.get("/pt/search?q=turismo")
	expectContains(t, p, "<mark>turismo</mark>")
}

func TestDetailsAndFallback(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/fr/programmes/cv-pro-garante-guarantee?currency=USD")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "Publié par", "Sources", "Vérifié le", "Qui peut en bénéficier", `<option selected>USD</option>`)
	p = b.get("/en/incentives/cv-investment-tax-credit-priority")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "Legal basis", "Benefits", "Who can get it")
	if p := b.get("/en/opportunities/no-such-thing"); p.status != http.StatusNotFound {
		t.Errorf("unknown item: %d", p.status)
	}
}

func TestDraftNeverAppears(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	id := makeDraft(t, app)
	b := newBrowser(t, app)
	if p := b.get("/pt/opportunities/" + id); p.status != http.StatusNotFound {
		t.Errorf("a draft's page: %d", p.status)
	}
	for _, target := range []string{"/pt/countries/CV/opportunities?sector=tourism", "/pt/search?q=rascunho+secreto", "/sitemap.xml",
		"/pt/eligibility?country=CV&sector=tourism&region=boa_vista"} {
		if p := b.get(target); strings.Contains(p.body, draftTitle) || strings.Contains(p.body, id) {
			t.Errorf("%s shows the draft", target)
		}
	}
}

// TestDoneWhen is the scenario without JavaScript, in French: find the incentives,
// check a 750,000 EUR hotel project on Boa Vista, sign up from an opportunity, save it, send an
// interest, and see it in the account.
func TestDoneWhen(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, false)
	b := newBrowser(t, app)
	p := b.get("/fr/eligibility?country=CV&investor_type=diaspora&residence_country=FR&sector=tourism&region=boa_vista&amount=750000&currency=EUR&jobs=")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "S&#39;applique à vous", "Ne s&#39;applique pas à vous", "Pourquoi pas", "Opportunités adaptées à votre projet")
	if !strings.Contains(p.body, "Ce qui manque") {
		t.Log("no undetermined item for this situation")
	}
	opp := regexp.MustCompile(`href="/fr/opportunities/([a-z0-9-]+)"`).FindStringSubmatch(p.body)
	if opp == nil {
		t.Fatal("no fitting opportunity")
	}
	p = b.get("/fr/opportunities/" + opp[1])
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "Connectez-vous pour enregistrer")
	// Sign up from it, and come back to it.
	p = b.get("/fr/signup?next=/fr/opportunities/" + opp[1])
	if cc := p.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("a page with a form: %q", cc)
	}
	token := p.csrf(t)
	// A form without its token is refused.
	p = b.post("/fr/signup", url.Values{"email": {"investor@example.org"}, "password": {"a long passphrase of mine"}})
	expectStatus(t, p, http.StatusForbidden)
	// Errors beside the fields.
	p = b.post("/fr/signup", url.Values{"csrf": {token}, "email": {"not-an-address"}, "password": {"short"}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, "Il y a un problème", `href="#f-email"`, `href="#f-password"`)
	p = b.post("/fr/signup", url.Values{"csrf": {token}, "email": {"investor@example.org"}, "password": {"a long passphrase of mine"},
		"display_name": {"Ana \u202eevil"}, "next": {"/fr/opportunities/" + opp[1]}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/fr/opportunities/"+opp[1] {
		t.Fatalf("sign up: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	for _, c := range p.header.Values("Set-Cookie") {
		lc := strings.ToLower(c)
		if strings.HasPrefix(c, "dim_") && (!strings.Contains(lc, "; httponly") || !strings.Contains(lc, "; secure") || !strings.Contains(lc, "samesite=lax")) {
			t.Errorf("cookie %q is not HttpOnly, Secure and SameSite=Lax", c)
		}
	}
	p = b.get("/fr/opportunities/" + opp[1])
	if p.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("a signed-in page: %q", p.header.Get("Cache-Control"))
	}
	token = p.csrf(t)
	p = b.post("/fr/opportunities/"+opp[1]+"/save", url.Values{"csrf": {token}})
	expectStatus(t, p, http.StatusSeeOther)
	p = b.get("/fr/account/saved")
	expectContains(t, p, "Retirer des enregistrements")
	// The interest, with the consent stated.
	p = b.get("/fr/opportunities/" + opp[1] + "/interest")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "En envoyant, vous acceptez que", "<strong>investor@example.org</strong>", "absent de votre profil")
	p = b.post("/fr/opportunities/"+opp[1]+"/interest", url.Values{"csrf": {token}, "message": {"Projet d'hôtel de 750 000 EUR."},
		"amount": {"750000"}, "currency": {"EUR"}, "share": {"display_name", "email"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("interest: %d\n%s", p.status, p.body)
	}
	p = b.get("/fr/account/interests?sent=1")
	expectContains(t, p, "Votre manifestation d&#39;intérêt a été envoyée", "Envoyée")
	// The agency answers (here an administrator, through the JSON API); the investor reads it.
	answerInterest(t, app, db, "investor@example.org", "Bem-vindo: contacte-nos para visitar o terreno.")
	p = b.get("/fr/account/interests")
	expectContains(t, p, "La réponse de l&#39;agence", "Bem-vindo: contacte-nos para visitar o terreno.", "Réponse envoyée")
	// A second open one is refused with a message.
	p = b.post("/fr/opportunities/"+opp[1]+"/interest", url.Values{"csrf": {token}, "message": {"Encore."}})
	expectStatus(t, p, http.StatusUnprocessableEntity)
	// Bidi overrides never reach a page raw.
	p = b.get("/fr/account")
	if strings.ContainsRune(p.body, '\u202e') || !strings.Contains(p.body, "[U+202E]") {
		t.Error("a bidi override reached the page raw")
	}
	// Export, sign out (the session's family is revoked), sign in again, erase.
	if p := b.get("/fr/account/export"); p.status != http.StatusOK || !strings.Contains(p.body, `"email": "investor@example.org"`) ||
		!strings.Contains(p.body, `"saved_at"`) || !strings.Contains(p.body, `"code": "answered"`) || strings.Contains(p.body, "argon2") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export: %d\n%s", p.status, p.body)
	}
	refresh := b.cookies["dim_refresh"]
	p = b.post("/fr/signout", url.Values{"csrf": {token}})
	expectStatus(t, p, http.StatusSeeOther)
	if p := b.get("/fr/account"); p.status != http.StatusSeeOther {
		t.Errorf("signed out, the account page answers %d", p.status)
	}
	thief := newBrowser(t, app)
	thief.cookies["dim_refresh"] = refresh
	if p := thief.get("/fr/account"); p.status != http.StatusSeeOther {
		t.Errorf("a revoked refresh token opened a session: %d", p.status)
	}
	p = b.get("/fr/signin")
	token = p.csrf(t)
	p = b.post("/fr/signin", url.Values{"csrf": {token}, "email": {"investor@example.org"}, "password": {"wrong password here"}})
	expectStatus(t, p, http.StatusUnauthorized)
	expectContains(t, p, "Wrong e-mail"[:0]+"f-email")
	p = b.post("/fr/signin", url.Values{"csrf": {token}, "email": {"investor@example.org"}, "password": {"a long passphrase of mine"}})
	expectStatus(t, p, http.StatusSeeOther)
	p = b.get("/fr/account/erase")
	token = p.csrf(t)
	p = b.post("/fr/account/erase", url.Values{"csrf": {token}, "confirm": {"yes"}})
	expectStatus(t, p, http.StatusSeeOther)
	if p := b.get("/fr/account"); p.status != http.StatusSeeOther {
		t.Errorf("after erasure the account page answers %d", p.status)
	}
}

// Two tabs of one browser renew an expired session at once, with the same refresh token: the
// second gets the session the first got, not a sign-out. Someone else with only that refresh
// cookie (not the browser's form-token cookie) is still treated as a thief.
func TestTwoTabsRenewTogether(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	tab1 := newBrowser(t, app)
	p := tab1.get("/en/signup")
	p = tab1.post("/en/signup", url.Values{"csrf": {p.csrf(t)}, "email": {"tabs@example.org"}, "password": {"a long passphrase of mine"}})
	expectStatus(t, p, http.StatusSeeOther)
	if tab1.cookies["dim_csrf"] == "" {
		t.Fatal("no form-token cookie")
	}
	delete(tab1.cookies, "dim_access")
	tab2 := newBrowser(t, app)
	maps.Copy(tab2.cookies, tab1.cookies)
	old := tab1.cookies["dim_refresh"]
	var wg sync.WaitGroup
	pages := make([]page, 2)
	for i, tab := range []*browser{tab1, tab2} {
		wg.Add(1)
		go func() { defer wg.Done(); pages[i] = tab.get("/en/account") }()
	}
	wg.Wait()
	for i, p := range pages {
		if p.status != http.StatusOK {
			t.Errorf("tab %d: %d", i+1, p.status)
		}
	}
	if tab1.cookies["dim_refresh"] == old || tab1.cookies["dim_refresh"] != tab2.cookies["dim_refresh"] {
		t.Fatal("the two tabs did not get the one renewed session")
	}
	// A third request with the spent token but without the browser's form-token cookie revokes
	// the family, as before: both tabs are signed out at their next renewal.
	expectReuseRevokes(t, app, old, tab1)
}

// The access cookie expires after 15 minutes; the refresh cookie renews it (rotating the
// refresh token, as the API's refresh does), and the old refresh token is then refused.
func TestSessionRenewsFromRefreshToken(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/en/signup")
	p = b.post("/en/signup", url.Values{"csrf": {p.csrf(t)}, "email": {"renew@example.org"}, "password": {"a long passphrase of mine"}})
	expectStatus(t, p, http.StatusSeeOther)
	old := b.cookies["dim_refresh"]
	delete(b.cookies, "dim_access")
	p = b.get("/en/account")
	expectStatus(t, p, http.StatusOK)
	if b.cookies["dim_refresh"] == old || b.cookies["dim_access"] == "" {
		t.Fatal("the session was not renewed")
	}
	// Reusing the old refresh token revokes the family: both holders are signed out.
	expectReuseRevokes(t, app, old, b)
}

// expectReuseRevokes checks that a spent refresh token, brought by another browser (without
// the holder's form-token cookie), is refused and signs out the holder of its family too.
func expectReuseRevokes(t *testing.T, app *fiber.App, spent string, holder *browser) {
	t.Helper()
	thief := newBrowser(t, app)
	thief.cookies["dim_refresh"] = spent
	if p := thief.get("/en/account"); p.status != http.StatusSeeOther {
		t.Errorf("the spent refresh token, brought by another browser: %d", p.status)
	}
	delete(holder.cookies, "dim_access")
	if p := holder.get("/en/account"); p.status != http.StatusSeeOther {
		t.Errorf("after the spent token's reuse, the family still works: %d", p.status)
	}
}

func TestSitemapAndRobots(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	b := newBrowser(t, app)
	// The index lists the site's own pages and each part with a public item: never the items.
	index := b.get("/sitemap.xml")
	expectStatus(t, index, http.StatusOK)
	expectContains(t, index, "<sitemapindex", "<loc>/sitemaps/pages.xml</loc>")
	if strings.Contains(index.body, "cv-investment-tax-credit-priority") {
		t.Error("the index lists items")
	}
	p := b.get("/sitemaps/pages.xml")
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "<loc>/fr/countries/CV/incentives</loc>", `hreflang="pt" href="/pt/countries/CV"`)
	// The part of an incentive is named by the first two hex digits of its id.
	var id string
	if err := db.Get(&id, `SELECT id::text FROM incentives WHERE slug = 'cv-investment-tax-credit-priority'`); err != nil {
		t.Fatal(err)
	}
	part := "/sitemaps/incentives-" + id[:2] + ".xml"
	expectContains(t, index, "<loc>"+part+"</loc>")
	p = b.get(part)
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, "<loc>/en/incentives/cv-investment-tax-credit-priority</loc>", `hreflang="fr" href="/fr/incentives/cv-investment-tax-credit-priority"`)
	// An archived item leaves its part at once (the site map is never kept by the server).
	if _, err := db.Exec(`UPDATE incentives SET status = 'archived' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if p := b.get(part); strings.Contains(p.body, "cv-investment-tax-credit-priority") {
		t.Errorf("%s still lists an archived incentive (%d)", part, p.status)
	}
	// A draft is in no part; every part named in the index answers, and nothing else does.
	var hidden []string
	if err := db.Select(&hidden, `SELECT 'opportunities/' || slug FROM opportunities WHERE status <> 'published'
		UNION ALL SELECT 'incentives/' || slug FROM incentives WHERE status <> 'published'
		UNION ALL SELECT 'programmes/' || slug FROM programmes WHERE status <> 'published'`); err != nil || len(hidden) == 0 {
		t.Fatalf("the seed has no unpublished item to look for (%v)", err)
	}
	index = b.get("/sitemap.xml")
	for _, loc := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(index.body, -1) {
		p := b.get(loc[1])
		expectStatus(t, p, http.StatusOK)
		for _, path := range hidden {
			if strings.Contains(p.body, "/"+path+"<") {
				t.Errorf("%s lists %s, which is not published", loc[1], path)
			}
		}
	}
	for _, missing := range []string{"/sitemaps/drafts-00.xml", "/sitemaps/incentives-zz.xml", "/sitemaps/incentives-0.xml", "/sitemaps/pages"} {
		if p := b.get(missing); p.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", missing, p.status)
		}
	}
	p = b.get("/robots.txt")
	expectContains(t, p, "Sitemap: /sitemap.xml")
}

// Sign-in spends the API's login limits: past 10 failures for an account, a page says to wait.
func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	token := b.get("/en/signin").csrf(t)
	var p page
	for i := 0; i < 11; i++ {
		p = b.post("/en/signin", url.Values{"csrf": {token}, "email": {"nobody@example.org"}, "password": {"not the password"}})
	}
	expectStatus(t, p, http.StatusTooManyRequests)
	if p.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	expectContains(t, p, "Too many attempts")
	// The API counts the same failures: its next login for the account is refused too.
	req := httptest.NewRequest(http.MethodPost, "/v1/auth/login", strings.NewReader(`{"email":"nobody@example.org","password":"not the password"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the API's login after the site's failures: %d", resp.StatusCode)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/pt/signup")
	expectStatus(t, b.post("/pt/signup", url.Values{"csrf": {p.csrf(t)}, "email": {"profile@example.org"}, "password": {"a long passphrase of mine"}}), http.StatusSeeOther)
	p = b.get("/pt/account/profile")
	expectStatus(t, p, http.StatusOK)
	token := p.csrf(t)
	form := url.Values{"csrf": {token}, "display_name": {"Ana"}, "origin_country": {"CV"}, "residence_country": {"FR"},
		"investor_type": {"diaspora"}, "legal_form": {"individual"}, "sectors": {"tourism", "renewable_energy"},
		"ticket_min": {"500000"}, "ticket_max": {"1000000"}, "ticket_currency": {"EUR"}}
	p = b.post("/pt/account/profile", form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	form.Set("regions", "boa_vista")
	expectStatus(t, b.post("/pt/account/profile", form), http.StatusSeeOther)
	p = b.get("/pt/account/profile?saved=1")
	expectContains(t, p, "O seu perfil foi guardado", `value="tourism" checked`, `value="boa_vista" checked`, `<option value="CV" selected>`, `value="500000.00"`)
	// Errors beside the fields, nothing saved.
	bad := url.Values{"csrf": {token}, "origin_country": {"CV"}, "regions": {"atlantis"}, "ticket_min": {"9"}, "ticket_max": {"1"}, "ticket_currency": {"EUR"}}
	p = b.post("/pt/account/profile", bad)
	expectStatus(t, p, http.StatusUnprocessableEntity)
	expectContains(t, p, `href="#f-regions"`, `href="#f-ticket_min"`)
	p = b.get("/pt/account")
	expectContains(t, p, "França", "Turismo")
}

// The eligibility form's errors come from app/matching, named as the form's fields.
func TestEligibilityErrors(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/en/eligibility?country=CV&investor_type=pirate&residence_country=XX&sector=tourism&region=atlantis&amount=lots&currency=EUR&jobs=many")
	expectStatus(t, p, http.StatusBadRequest)
	expectContains(t, p, "There is a problem", `href="#f-investor_type"`, `href="#f-residence_country"`, `href="#f-region"`, `href="#f-amount"`, `href="#f-jobs"`)
	p = b.get("/en/eligibility?country=ZZ")
	expectStatus(t, p, http.StatusBadRequest)
	expectContains(t, p, `href="#f-country"`)
}

// A text missing in the page's language falls back, says so, and carries its own lang.
func TestFallbackNote(t *testing.T) {
	t.Parallel()
	app, db := newSite(t, true)
	id := publishPortugueseOnly(t, app, db)
	b := newBrowser(t, app)
	p := b.get("/fr/opportunities/" + id)
	expectStatus(t, p, http.StatusOK)
	expectContains(t, p, `<h1 lang="pt">Pousada só em português</h1>`, "Pas encore traduit : affiché en portugais.", "agence vérifiée")
	p = b.get("/en/countries/CV/opportunities?region=sal")
	expectContains(t, p, `lang="pt">Pousada só em português</a>`, "Not yet translated: shown in Portuguese.")
	p = b.get("/pt/opportunities/" + id)
	if strings.Contains(p.body, "Ainda não traduzido") {
		t.Error("a fallback note in the text's own language")
	}
}

// Anonymous public pages are kept in memory until a change is announced; pages with a session
// or a form never are.
func TestPageCache(t *testing.T) {
	t.Parallel()
	pages := web.NewPageCache(8<<20, time.Minute)
	pages.Live(true)
	app, _ := newSiteWith(t, func(o *web.Options) { o.InsecureCookies, o.Pages = true, pages })
	b := newBrowser(t, app)
	first := b.get("/fr/countries/CV")
	second := b.get("/fr/countries/CV")
	if hits, _ := pages.Stats(); hits != 1 || first.body != second.body || second.header.Get("Cache-Control") != first.header.Get("Cache-Control") {
		t.Fatalf("hits %d; the kept page differs", hits)
	}
	if second.header.Get("Content-Security-Policy") == "" || second.header.Get("ETag") == "" {
		t.Errorf("a kept page without its headers: %v", second.header)
	}
	pages.Changed()
	b.get("/fr/countries/CV")
	if hits, _ := pages.Stats(); hits != 1 {
		t.Errorf("a page read before a change was served: %d hits", hits)
	}
	// Forms and sessions are never kept.
	b.get("/fr/signup")
	b.get("/fr/signup")
	p := b.get("/fr/signup")
	p = b.post("/fr/signup", url.Values{"csrf": {p.csrf(t)}, "email": {"cache@example.org"}, "password": {"a long passphrase of mine"}})
	expectStatus(t, p, http.StatusSeeOther)
	hits, _ := pages.Stats()
	p = b.get("/fr/countries/CV")
	if after, _ := pages.Stats(); after != hits || !strings.Contains(p.body, "Se déconnecter") {
		t.Errorf("a signed-in reader got the anonymous page")
	}
}
