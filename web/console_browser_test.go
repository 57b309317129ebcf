package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestConsoleBrowser walks the agency story in Chromium with JavaScript off, through the
// console's links and forms only: apply, the administrator verifies, invite a colleague who
// accepts, draft in Portuguese, add English and French, the Portuguese changes and French shows
// stale, submit, rejected with a reason, fix and resubmit, publish, the item is public in
// three languages, an investor's interest shows unread and is answered, a conflicting edit
// shows both versions, archive takes the item off the public site. Then axe-core runs on every
// console page type.
func TestConsoleBrowser(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the browser suite runs in make test, not under -short")
	}
	chromiumPath(t)
	axe := axeSource(t)
	start := time.Now()
	app, db := newSite(t, false)
	const password = "a long passphrase of ours"
	apiCall(t, app, http.MethodPost, "/v1/auth/register", map[string]any{"email": "admin@example.org", "password": password}, "")
	if _, err := db.Exec(`UPDATE users SET role = 'admin' WHERE email = 'admin@example.org'`); err != nil {
		t.Fatal(err)
	}
	base := listen(t, app)
	ctx := newChrome(t, 1280, 900)
	run(t, ctx, "turn scripts off", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))

	signUp := func(email, next string) {
		t.Helper()
		run(t, ctx, "sign up "+email, chromedp.Navigate(base+"/fr/signup?next="+next), chromedp.WaitVisible(css("#f-email")),
			chromedp.SendKeys(css("#f-email"), email), chromedp.SendKeys(css("#f-password"), password),
			clickLoad(`main form button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	}
	signIn := func(email, next string) {
		t.Helper()
		run(t, ctx, "sign in "+email, chromedp.Navigate(base+"/fr/signin?next="+next), chromedp.WaitVisible(css("#f-email")),
			chromedp.SendKeys(css("#f-email"), email), chromedp.SendKeys(css("#f-password"), password),
			clickLoad(`main form button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	}
	signOut := func() {
		t.Helper()
		run(t, ctx, "sign out", clickLoad(`header form[action$="/signout"] button`), chromedp.WaitVisible(css("h1")))
	}
	submit := func(what, form string) {
		t.Helper()
		run(t, ctx, what, clickLoad(form+` button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	}

	// 1. Apply for an organization (signed out, the console sends to sign up and back).
	run(t, ctx, "the console signed out", chromedp.Navigate(base+"/fr/console/"))
	if loc := location(t, ctx); !strings.Contains(loc, "/fr/signin?next=") {
		t.Fatalf("the console signed out went to %s", loc)
	}
	signUp("owner@example.org", "/fr/console/apply")
	run(t, ctx, "apply", chromedp.WaitVisible(css("#f-name")),
		chromedp.SendKeys(css("#f-name"), "Agência Navegador"), chromedp.SetValue(css("#f-country"), "CV"),
		chromedp.SetValue(css("#f-type"), "investment_promotion_agency"), chromedp.SendKeys(css("#f-website"), "https://example.org"))
	submit("send the application", `form[action="/fr/console/apply"]`)
	mustSee(t, ctx, "Votre demande est enregistrée", "Non vérifiée")
	orgPage := strings.Split(location(t, ctx), "?")[0]
	org := orgPage[strings.LastIndex(orgPage, "/")+1:]
	orgBase := "/fr/console/orgs/" + org

	// 2. The administrator verifies it.
	signOut()
	signIn("admin@example.org", "/fr/console/admin/organizations")
	mustSee(t, ctx, "Agência Navegador")
	submit("verify", `form[action="/fr/console/admin/organizations/`+org+`/verify"]`)
	mustSee(t, ctx, "L'organisation est vérifiée", "Vérifiée")
	signOut()

	// 3. Invite a colleague, who accepts.
	signIn("owner@example.org", orgBase)
	run(t, ctx, "invite", chromedp.SendKeys(css("#f-email"), "colleague@example.org"))
	submit("send the invitation", `form[action="`+orgBase+`/invitations"]`)
	mustSee(t, ctx, "Invitation envoyée", "colleague@example.org")
	signOut()
	signUp("colleague@example.org", "/fr/console/")
	mustSee(t, ctx, "Agência Navegador vous invite à la rejoindre en tant que membre")
	run(t, ctx, "accept", clickLoad(`form[action$="/accept"] button`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Vous avez rejoint l'organisation", "colleague@example.org", "owner@example.org")

	// 4. Draft in Portuguese, add English and French.
	run(t, ctx, "new opportunity", chromedp.Navigate(base+orgBase+"/content"), clickLoad(`a[href="`+orgBase+`/new/opportunities"]`),
		chromedp.WaitVisible(css("#f-title")),
		chromedp.SetValue(css("#f-lang"), "pt"), chromedp.SendKeys(css("#f-title"), "Hotel ecológico no Sal"),
		chromedp.SetValue(css("#f-summary"), "Um hotel de 40 quartos."), chromedp.SetValue(css("#f-description"), "Procura-se investidor."),
		chromedp.Click(css(`input[name="sectors"][value="tourism"]`)))
	submit("create the draft", `form[action="`+orgBase+`/new/opportunities"]`)
	mustSee(t, ctx, "Le brouillon est créé", "Hotel ecológico no Sal")
	item := strings.Split(strings.TrimPrefix(location(t, ctx), base), "?")[0]
	id := item[strings.LastIndex(item, "/")+1:]
	for lang, text := range map[string][3]string{"en": {"Eco hotel on Sal", "A 40-room hotel.", "Investor wanted."},
		"fr": {"Hôtel écologique à Sal", "Un hôtel de 40 chambres.", "Investisseur recherché."}} {
		run(t, ctx, "the "+lang+" tab", chromedp.Navigate(base+item), clickLoad(`nav ul.tabs a[hreflang="`+lang+`"]`), chromedp.WaitVisible(css("#f-title")),
			chromedp.SendKeys(css("#f-title"), text[0]), chromedp.SetValue(css("#f-summary"), text[1]), chromedp.SetValue(css("#f-description"), text[2]))
		submit("save "+lang, `form[action="`+item+`/text/`+lang+`"]`)
		mustSee(t, ctx, "Enregistré.", text[0])
	}

	// 5. The Portuguese text changes: the French tab shows stale.
	run(t, ctx, "the pt tab", chromedp.Navigate(base+item+"?lang=pt"), chromedp.WaitVisible(css("#f-summary")),
		chromedp.SetValue(css("#f-summary"), "Um hotel de 60 quartos."))
	submit("save pt", `form[action="`+item+`/text/pt"]`)
	run(t, ctx, "the fr tab", chromedp.Navigate(base+item+"?lang=fr"), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Cette traduction est périmée", "français (périmée)")

	// 6. Submit; the administrator rejects it with a reason.
	submit("submit", `form[action="`+item+`/workflow/submit"]`)
	mustSee(t, ctx, "Soumis pour relecture")
	signOut()
	signIn("admin@example.org", "/fr/console/admin/review")
	mustSee(t, ctx, "Hôtel écologique à Sal")
	run(t, ctx, "open from the queue", clickLoad(`a[href="`+item+`"]`), chromedp.WaitVisible(css("#f-reason")),
		chromedp.SetValue(css("#f-reason"), "Mettez à jour la traduction française."))
	submit("reject", `form[action="`+item+`/workflow/reject"]`)
	mustSee(t, ctx, "Rejeté et renvoyé en brouillon")
	signOut()

	// 7. Fix (the French still says the same: mark it reviewed), resubmit and publish.
	signIn("colleague@example.org", item+"?lang=fr")
	mustSee(t, ctx, "Mettez à jour la traduction française.", "Brouillon")
	submit("mark reviewed", `form[action="`+item+`/reviewed/fr"]`)
	mustSee(t, ctx, "marquée comme relue")
	submit("resubmit", `form[action="`+item+`/workflow/submit"]`)
	submit("publish", `form[action="`+item+`/workflow/publish"]`)
	mustSee(t, ctx, "Publié.")

	// 8. On the public site in three languages.
	for lang, title := range map[string]string{"pt": "Hotel ecológico no Sal", "en": "Eco hotel on Sal", "fr": "Hôtel écologique à Sal"} {
		run(t, ctx, "public "+lang, chromedp.Navigate(base+"/"+lang+"/opportunities/"+id), chromedp.WaitVisible(css("h1")))
		mustSee(t, ctx, title)
	}
	signOut()

	// 9–12. An investor sends an interest; unread in the inbox; answered; the investor sees it.
	signUp("investor@example.org", "/fr/opportunities/"+id+"/interest")
	run(t, ctx, "interest", chromedp.WaitVisible(css("#f-message")), chromedp.SendKeys(css("#f-message"), "Je voudrais visiter le site."))
	submit("send the interest", `main form`)
	signOut()
	signIn("colleague@example.org", orgBase+"/inbox")
	mustSee(t, ctx, "1 non lues", "Hôtel écologique à Sal")
	run(t, ctx, "open the interest", clickLoad(`table a[href^="`+orgBase+`/inbox/"]`), chromedp.WaitVisible(css("#f-reply")),
		chromedp.SetValue(css("#f-reply"), "Bienvenue : appelez-nous lundi."))
	mustSee(t, ctx, "Je voudrais visiter le site.", "0 non lues")
	interest := strings.TrimPrefix(location(t, ctx), base)
	submit("answer", `form[action$="/answer"]`)
	mustSee(t, ctx, "Votre réponse est envoyée")
	signOut()
	signIn("investor@example.org", "/fr/account/interests")
	mustSee(t, ctx, "Bienvenue : appelez-nous lundi.")
	signOut()

	// Two editors: the owner's save, made on the version read before the colleague's, shows
	// both versions.
	signIn("owner@example.org", item+"?lang=en")
	run(t, ctx, "edit the English title", chromedp.WaitVisible(css("#f-title")), chromedp.SetValue(css("#f-title"), "Owner's title"))
	access := apiToken(t, app, "colleague@example.org")
	apiCall(t, app, http.MethodPut, "/v1/opportunities/"+id+"/translations/en", map[string]any{"title": "Colleague's title",
		"summary": "A 40-room hotel.", "description": "Investor wanted."}, access)
	submit("save on the old version", `form[action="`+item+`/text/en"]`)
	mustSee(t, ctx, "Quelqu'un d'autre a enregistré ce contenu entre-temps", "Colleague's title", "Owner's title")

	// 13. Archive: the item leaves the public site.
	run(t, ctx, "reload", chromedp.Navigate(base+item))
	submit("archive", `form[action="`+item+`/workflow/archive"]`)
	mustSee(t, ctx, "Archivé")
	run(t, ctx, "public after archiving", chromedp.Navigate(base+"/pt/opportunities/"+id), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Página não encontrada")
	run(t, ctx, "the public list after archiving", chromedp.Navigate(base+"/pt/opportunities"), chromedp.WaitVisible(css("h1")))
	if strings.Contains(html(t, ctx), "Hotel ecológico no Sal") {
		t.Fatal("the archived item is still in the public list")
	}

	// An incentive's neutral fields: legal basis, validity, eligibility, a benefit, the source.
	// A validity window upside down is refused beside its field, in the editor's language, and
	// the summary of the problems links to it; corrected, it is saved.
	run(t, ctx, "new incentive", chromedp.Navigate(base+orgBase+"/new/incentives"), chromedp.WaitVisible(css("#f-title")),
		chromedp.SetValue(css("#f-lang"), "pt"), chromedp.SendKeys(css("#f-title"), "Isenção de IUR para hotéis"),
		chromedp.SetValue(css("#f-summary"), "Cinco anos sem IUR."), chromedp.SetValue(css("#f-description"), "Para hotéis novos."),
		chromedp.SetValue(css("#f-type"), "tax"), chromedp.SendKeys(css("#f-legal_instrument"), "Código dos Benefícios Fiscais"))
	submit("create the incentive", `form[action="`+orgBase+`/new/incentives"]`)
	mustSee(t, ctx, "Le brouillon est créé", "Isenção de IUR para hotéis")
	incentive := strings.Split(strings.TrimPrefix(location(t, ctx), base), "?")[0]
	run(t, ctx, "the incentive's fields", chromedp.SetValue(css("#f-legal_article"), "Artigo 12.º"),
		chromedp.SetValue(css("#f-valid_from"), "2027-01-01"), chromedp.SetValue(css("#f-valid_until"), "2026-01-01"),
		chromedp.SetValue(css(`[name="eligibility_min_jobs"]`), "10"), chromedp.Click(css(`input[name="eligibility_sectors"][value="tourism"]`)),
		chromedp.SetValue(css("#f-benefit_kind_0"), "tax_exemption"), chromedp.SetValue(css("#f-benefit_tax_0"), "iur"),
		chromedp.SetValue(css("#f-benefit_years_0"), "5"),
		chromedp.SetValue(css(`[name="source_title"]`), "Boletim Oficial"), chromedp.SetValue(css(`[name="source_url"]`), "https://example.org/bo"))
	submit("save the fields", `form[action="`+incentive+`/fields"]`)
	mustSee(t, ctx, "La date de fin est antérieure à la date de début.", `href="#f-valid_until"`, `id="f-valid_until-error"`)
	run(t, ctx, "correct the window", chromedp.SetValue(css("#f-valid_until"), "2031-12-31"))
	submit("save the fields again", `form[action="`+incentive+`/fields"]`)
	mustSee(t, ctx, "Enregistré.", `value="Artigo 12.º"`, `value="2031-12-31"`, `value="Boletim Oficial"`)
	for sel, want := range map[string]string{"#f-benefit_kind_0": "tax_exemption", "#f-benefit_tax_0": "iur", `[name="eligibility_min_jobs"]`: "10"} {
		if got := get(t, ctx, "read "+sel, chromedp.Value(css(sel))); got != want {
			t.Errorf("%s after saving: %q, want %q", sel, got, want)
		}
	}
	// The date its sources were checked; then a French text, added and deleted after its
	// confirmation.
	run(t, ctx, "as_of", chromedp.SetValue(css("#f-as_of"), "2026-11-20"))
	submit("save as_of", `form[action="`+incentive+`/as_of"]`)
	mustSee(t, ctx, "La date de vérification des sources est enregistrée", "20 novembre 2026")
	run(t, ctx, "the incentive's fr tab", chromedp.Navigate(base+incentive+"?lang=fr"), chromedp.WaitVisible(css("#f-title")),
		chromedp.SendKeys(css("#f-title"), "Exonération d'IUR"), chromedp.SetValue(css("#f-summary"), "Cinq ans."), chromedp.SetValue(css("#f-description"), "Hôtels neufs."))
	submit("save fr", `form[action="`+incentive+`/text/fr"]`)
	run(t, ctx, "ask to delete fr", clickLoad(`a[href="`+incentive+`/text/fr/delete"]`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Supprimer cette traduction ?", "Exonération d'IUR")
	submit("delete fr", `form[action="`+incentive+`/text/fr/delete"]`)
	mustSee(t, ctx, "La traduction est supprimée.", "Isenção de IUR para hotéis")

	// A form posted without its CSRF token is refused, and nothing is written.
	run(t, ctx, "forge the token", chromedp.Navigate(base+incentive), chromedp.WaitVisible(css("#f-as_of")),
		chromedp.SetAttributeValue(css(`form[action="`+incentive+`/as_of"] input[name="csrf"]`), "value", "forged"),
		chromedp.SetValue(css("#f-as_of"), "2026-01-01"))
	submit("post without the token", `form[action="`+incentive+`/as_of"]`)
	mustSee(t, ctx, "Ce formulaire a expiré")
	run(t, ctx, "the incentive after the refusal", chromedp.Navigate(base+incentive), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "20 novembre 2026")
	t.Logf("console story: %v", time.Since(start).Round(time.Millisecond))

	// axe-core on every console page type (the owner's pages, then the administrator's).
	axeStart := time.Now()
	run(t, ctx, "scripts on for axe", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}), cmd(cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true}))
	for _, target := range []string{"/fr/console/", "/fr/console/apply", orgBase, orgBase + "/content", orgBase + "/content?gap=missing-es",
		orgBase + "/history", orgBase + "/new/opportunities", orgBase + "/new/incentives", item + "?lang=fr", item + "/history", item + "/preview?lang=en",
		orgBase + "/inbox", interest, incentive + "?lang=pt", incentive + "/history", item + "/text/fr/delete", orgBase + "/new/programmes"} {
		checkAxe(t, ctx, base+target, axe)
	}
	run(t, ctx, "scripts off to sign out", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	signOut()
	signIn("admin@example.org", "/fr/console/")
	run(t, ctx, "scripts on for axe", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}))
	for _, target := range []string{"/fr/console/admin/review", "/fr/console/admin/organizations", "/fr/console/admin/rates", item + "?lang=pt"} {
		checkAxe(t, ctx, base+target, axe)
	}
	t.Logf("axe on console pages: %v", time.Since(axeStart).Round(time.Millisecond))

	// A member of another organization: the editor's addresses do not exist for them (404).
	run(t, ctx, "scripts off again", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	signOut()
	signUp("stranger@example.org", "/fr/console/apply")
	run(t, ctx, "the stranger applies", chromedp.WaitVisible(css("#f-name")),
		chromedp.SendKeys(css("#f-name"), "Outra Agência"), chromedp.SetValue(css("#f-country"), "CV"),
		chromedp.SetValue(css("#f-type"), "investment_promotion_agency"))
	submit("the stranger's application", `form[action="/fr/console/apply"]`)
	for _, target := range []string{item, item + "/preview?lang=pt", incentive + "?lang=pt", incentive + "/history", incentive + "/text/pt/delete"} {
		run(t, ctx, "a stranger opens "+target, chromedp.Navigate(base+target), chromedp.WaitVisible(css("h1")))
		mustSee(t, ctx, "Page introuvable")
	}
	t.Logf("console browser suite: %v", time.Since(start).Round(time.Millisecond))
	_ = context.Background
}
