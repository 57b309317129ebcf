package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"
)

// The browser suite drives Debian's Chromium (chromedp) against the real app listening on a
// free port over a test database. It browses with JavaScript off, as a phone-sized reader
// without scripts would, then runs axe-core (from node_modules, injected by the test) on every
// page type and fails on serious or critical violations.

// chromiumPath finds Chromium, or fails the test saying how to install it: the suite is part
// of make test and does not skip silently.
func chromiumPath(t testing.TB) string {
	t.Helper()
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	if p := os.Getenv("CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser suite needs Chromium: install it with `apt-get install chromium` (or set CHROMIUM to its path)")
	return ""
}

// axeSource is axe-core's script, installed by npm ci from package-lock.json.
func axeSource(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is missing (%v): run `npm ci` in the repository's root (make test does)", err)
	}
	return string(b)
}

// listen serves the app on a free port of the loopback interface; the address uses the name
// localhost, which browsers treat as secure, so that Secure cookies work over plain HTTP.
func listen(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
}

// newChrome starts a headless Chromium with the given window size.
func newChrome(t testing.TB, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.WindowSize(width, height), chromedp.DisableGPU, chromedp.NoSandbox,
		chromedp.Flag("lang", "fr-FR"), chromedp.Flag("disable-extensions", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx,
		cmd(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: width < 600}),
		cmd(network.Enable, network.EnableParams{}),
		cmd(network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "fr-FR,fr;q=0.9"}})); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func run(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// clickLoad clicks a link or a button and waits for the page it opens to load.
func clickLoad(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(css(sel)))(ctx, t)
		return chromedp.Void{}, err
	}
}

// css selects the first element matching a CSS selector.
func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// cmd sends one protocol command as an action.
func cmd[P, R any](c cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, c, params)
		return chromedp.Void{}, err
	}
}

// get runs an action with a result.
func get[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// html is the page's markup, read through the DOM (no script needed).
func html(t testing.TB, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, "read the page", chromedp.OuterHTML(css("html")))
}

func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, "read the address", chromedp.Location())
}

func mustSee(t testing.TB, ctx context.Context, parts ...string) {
	t.Helper()
	body := html(t, ctx)
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("%s: the page lacks %q", location(t, ctx), p)
		}
	}
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the browser suite runs in make test, not under -short")
	}
	chromiumPath(t) // before anything else: a machine without Chromium learns it at once
	axe := axeSource(t)
	start := time.Now()
	app, _ := newSite(t, false)
	draftID := makeDraft(t, app)
	base := listen(t, app)
	ctx := newChrome(t, 390, 844)
	// No JavaScript: everything below works with links and forms only.
	run(t, ctx, "turn scripts off", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))

	// Browse: / negotiates French from the browser's languages; then Portuguese and English.
	run(t, ctx, "open /", chromedp.Navigate(base+"/"))
	if loc := location(t, ctx); loc != base+"/fr/" {
		t.Fatalf("/ went to %s", loc)
	}
	mustSee(t, ctx, `<html lang="fr"`, "Investir là d'où l'on vient")
	run(t, ctx, "switch to Portuguese", clickLoad(`nav.langs a[hreflang="pt"]`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, `<html lang="pt"`, "Invista de onde vem")
	run(t, ctx, "English", chromedp.Navigate(base+"/en/"))
	mustSee(t, ctx, `<html lang="en"`, "Invest where you come from")
	run(t, ctx, "back to French", chromedp.Navigate(base+"/fr/"))

	// Find Cabo Verde's incentives for a diaspora investor in tourism on Boa Vista.
	run(t, ctx, "open Cabo Verde", clickLoad(`a[href="/fr/countries/CV"]`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "La diaspora en chiffres")
	run(t, ctx, "the incentives", clickLoad(`ul.tabs a[href="/fr/countries/CV/incentives"]`), chromedp.WaitVisible(css("form.filters")))
	run(t, ctx, "filter",
		chromedp.Click(css(`input[name="sector"][value="tourism"]`)),
		chromedp.SetValue(css(`#f-region`), "boa_vista"),
		chromedp.SetValue(css(`#f-investor_type`), "diaspora"),
		clickLoad(`form.filters button[type="submit"]`),
		chromedp.WaitVisible(css("#results-title")))
	loc := location(t, ctx)
	for _, part := range []string{"sector=tourism", "region=boa_vista", "investor_type=diaspora"} {
		if !strings.Contains(loc, part) {
			t.Fatalf("the filter is not in the address: %s", loc)
		}
	}
	mustSee(t, ctx, `value="tourism" checked`)
	// Search, with highlighted matches.
	run(t, ctx, "search", chromedp.Navigate(base+"/fr/countries/CV/incentives"),
		chromedp.SendKeys(css(`#f-q`), "tourisme"),
		clickLoad(`form.filters button[type="submit"]`), chromedp.WaitVisible(css("#results-title")))
	mustSee(t, ctx, "<mark>")
	// Pages.
	run(t, ctx, "next page", chromedp.Navigate(base+"/fr/countries/CV/incentives"),
		clickLoad(`a[rel="next"]`), chromedp.WaitVisible(css("#results-title")))
	if !strings.Contains(location(t, ctx), "cursor=") {
		t.Fatalf("the next page has no cursor: %s", location(t, ctx))
	}
	mustSee(t, ctx, "Première page")

	// The eligibility form: a 750,000 EUR hotel project on Boa Vista.
	run(t, ctx, "eligibility", clickLoad(`nav.main a[href="/fr/eligibility"]`),
		chromedp.WaitVisible(css("#f-country")),
		chromedp.Click(css(`input[name="investor_type"][value="diaspora"]`)),
		chromedp.SetValue(css(`#f-residence_country`), "FR"),
		chromedp.SetValue(css(`#f-sector`), "tourism"),
		chromedp.SetValue(css(`#f-region`), "boa_vista"),
		chromedp.SendKeys(css(`#f-amount-value`), "750000"),
		clickLoad(`form button[type="submit"]`),
		chromedp.WaitVisible(css("#answer-title")))
	mustSee(t, ctx, "S'applique à vous", "Pourquoi pas", "Opportunités adaptées à votre projet")

	// Save one: sign up from a fitting opportunity, save it, send an interest.
	run(t, ctx, "open a fitting opportunity", clickLoad(`#answer-title ~ ul.cards a[href^="/fr/opportunities/"]`),
		chromedp.WaitVisible(css("h1")))
	opportunity := location(t, ctx)
	run(t, ctx, "sign up", clickLoad(`.notice a[href^="/fr/signup"]`), chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "browser@example.org"),
		chromedp.SendKeys(css("#f-password"), "a long passphrase of mine"),
		clickLoad(`main form button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	if loc := location(t, ctx); loc != opportunity {
		t.Fatalf("after signing up: %s, want %s", loc, opportunity)
	}
	run(t, ctx, "save", clickLoad(`main form[action$="/save"] button`), chromedp.WaitVisible(css(`main form[action$="/unsave"]`)))
	mustSee(t, ctx, "Retirer des enregistrements")
	run(t, ctx, "interest", clickLoad(`a[href$="/interest"]`), chromedp.WaitVisible(css("#f-message")),
		chromedp.SendKeys(css("#f-message"), "Projet d'hôtel de 750 000 EUR à Boa Vista."),
		clickLoad(`main form button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Votre manifestation d'intérêt a été envoyée", "Envoyée")
	run(t, ctx, "saved list", chromedp.Navigate(base+"/fr/account/saved"))
	mustSee(t, ctx, "Retirer des enregistrements")
	// Sign out and in again.
	run(t, ctx, "sign out", clickLoad(`header form[action="/fr/signout"] button`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, `href="/fr/signin"`)
	run(t, ctx, "sign in", chromedp.Navigate(base+"/fr/signin"),
		chromedp.SendKeys(css("#f-email"), "browser@example.org"),
		chromedp.SendKeys(css("#f-password"), "a long passphrase of mine"),
		clickLoad(`main form button[type="submit"]`), chromedp.WaitVisible(css("h1")))
	mustSee(t, ctx, "Mon compte", "browser@example.org")

	// A draft never appears.
	run(t, ctx, "the draft's page", chromedp.Navigate(base+"/pt/opportunities/"+draftID))
	mustSee(t, ctx, "Página não encontrada")
	run(t, ctx, "the list", chromedp.Navigate(base+"/pt/countries/CV/opportunities"))
	if strings.Contains(html(t, ctx), draftTitle) {
		t.Fatal("the draft is listed")
	}
	t.Logf("browsing: %v", time.Since(start).Round(time.Millisecond))

	// axe-core on every page type, with scripts on for axe only.
	run(t, ctx, "scripts on for axe", cmd(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}), cmd(cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true}))
	for _, target := range []string{"/fr/", "/pt/search?q=turismo", "/fr/countries/CV",
		"/fr/countries/CV/incentives?sector=tourism&region=boa_vista&investor_type=diaspora",
		"/fr/countries/CV/opportunities?sector=nope", strings.TrimPrefix(opportunity, base),
		"/fr/incentives/cv-investment-tax-credit-priority", "/en/programmes/cv-pro-garante-guarantee",
		"/fr/eligibility", "/fr/eligibility?country=CV&investor_type=diaspora&residence_country=FR&sector=tourism&region=boa_vista&amount=750000&currency=EUR",
		"/fr/account", "/fr/account/profile", "/fr/account/saved", "/fr/account/interests", strings.TrimPrefix(opportunity, base) + "/interest",
		"/fr/account/erase", "/fr/nowhere", "/fr/signup", "/fr/signin"} {
		checkAxe(t, ctx, base+target, axe)
	}
	t.Logf("browser suite: %v", time.Since(start).Round(time.Millisecond))
}

type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe opens a page, runs axe-core on it (WCAG 2.x A and AA rules, and best practices) and
// fails on serious or critical violations.
func checkAxe(t *testing.T, ctx context.Context, target, axe string) {
	t.Helper()
	run(t, ctx, "open "+target, chromedp.Navigate(target), chromedp.WaitReady(css("body")))
	run(t, ctx, "inject axe on "+target, chromedp.Evaluate[chromedp.Void](axe))
	raw := get(t, ctx, "axe on "+target, chromedp.Evaluate[string](`axe.run(document).then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`,
		func(p *runtime.EvaluateParams) { p.AwaitPromise = ptr(true) }))
	var result struct {
		Violations []axeResult `json:"violations"`
		Passes     int         `json:"passes"`
	}
	if err := json.Unmarshal([]byte(raw), &result); err != nil {
		t.Fatalf("axe on %s: %v", target, err)
	}
	if result.Passes < 10 {
		t.Fatalf("axe checked almost nothing on %s (%d rules passed): is the page empty?", target, result.Passes)
	}
	violations := result.Violations
	var minor []string
	for _, v := range violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			minor = append(minor, v.ID+" ("+v.Impact+")")
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, n.HTML)
			}
			t.Errorf("axe, %s: %s (%s): %s\n  %s", target, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
		}
	}
	if len(minor) > 0 {
		t.Logf("axe, %s: minor or moderate: %s", target, strings.Join(minor, ", "))
	}
}

func ptr[T any](v T) *T { return &v }
