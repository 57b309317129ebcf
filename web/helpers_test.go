package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/web"
)

var testSecret = []byte("web-test-secret-0123456789abcdef-0123456789")

// newSite builds the real app (the API, then the site mounted on it, as cmd/marketplace does)
// over a fresh test database.
func newSite(t testing.TB, insecure bool) (*fiber.App, *sqlx.DB) {
	t.Helper()
	return newSiteWith(t, func(o *web.Options) { o.InsecureCookies = insecure })
}

// newSiteWith is newSite with the site's options changed by set.
func newSiteWith(t testing.TB, set func(*web.Options)) (*fiber.App, *sqlx.DB) {
	t.Helper()
	return newSiteWired(t, set, func(*web.Deps) {})
}

// newSiteWired is newSiteWith with the site's capabilities changed by wire (a real one wrapped
// to fail, say).
func newSiteWired(t testing.TB, set func(*web.Options), wire func(*web.Deps)) (*fiber.App, *sqlx.DB) {
	t.Helper()
	db, _ := testdb.New(t)
	langs, err := api.LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.DefaultConfig()
	cfg.JWTSecret = testSecret
	store := repository.New(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := api.New(cfg, store, langs, log)
	opts := web.Options{DefaultLang: "en", Secret: testSecret, Log: log}
	set(&opts)
	deps := web.Wiring(store, testSecret, append(slices.Clone(langs.Codes()), "simple"))
	wire(&deps)
	if _, err := web.Mount(app, deps, opts); err != nil {
		t.Fatal(err)
	}
	return app, db
}

// browser is a client with a cookie jar, over app.Test.
type browser struct {
	t       testing.TB
	app     *fiber.App
	cookies map[string]string
}

type page struct {
	status int
	header http.Header
	body   string
}

func newBrowser(t testing.TB, app *fiber.App) *browser {
	return &browser{t: t, app: app, cookies: map[string]string{}}
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(target string, header ...string) page {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) post(target string, form url.Values) page {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token of the forms of a page.
func (p page) csrf(t testing.TB) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", p.body)
	}
	return m[1]
}

func expectStatus(t testing.TB, p page, status int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
}

func expectContains(t testing.TB, p page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// apiCall sends a JSON request to the API of the same app.
func apiCall(t testing.TB, app *fiber.App, method, target string, body any, token string) map[string]any {
	t.Helper()
	var r io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, target, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, target, resp.StatusCode, raw)
	}
	return out
}

// draftTitle is the title of the draft that makeDraft writes: it must never appear on the site.
const draftTitle = "Rascunho secreto na Boa Vista"

// makeDraft writes a draft opportunity through the JSON API, as an agency would: an account
// applies for an organization of Cabo Verde and drafts for it. It returns the draft's id.
func makeDraft(t testing.TB, app *fiber.App) string {
	t.Helper()
	apiCall(t, app, http.MethodPost, "/v1/auth/register", map[string]any{"email": "agency@example.org", "password": "a long passphrase of ours"}, "")
	tok := apiCall(t, app, http.MethodPost, "/v1/auth/login", map[string]any{"email": "agency@example.org", "password": "a long passphrase of ours"}, "")
	access := tok["access_token"].(string)
	apiCall(t, app, http.MethodPost, "/v1/organizations", map[string]any{"name": "Agência de Teste", "country": "CV", "type": "investment_promotion_agency"}, access)
	d := apiCall(t, app, http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "sectors": []string{"tourism"},
		"region": "boa_vista", "lang": "pt", "title": draftTitle, "summary": "Nunca publicado.", "description": "Um rascunho que nunca é publicado.",
		"min_investment": map[string]any{"amount": "500000.00", "currency": "EUR"},
		"max_investment": map[string]any{"amount": "2000000.00", "currency": "EUR"}}, access)
	return d["id"].(string)
}

// answerInterest answers the investor's interest as an administrator of the JSON API would.
func answerInterest(t testing.TB, app *fiber.App, db *sqlx.DB, investor, reply string) {
	t.Helper()
	ctx := context.Background()
	store := repository.New(db)
	apiCall(t, app, http.MethodPost, "/v1/auth/register", map[string]any{"email": "admin@example.org", "password": "an admin passphrase here"}, "")
	admin, err := store.UserByEmail(ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.MakeAdmin(ctx, admin.ID); err != nil {
		t.Fatal(err)
	}
	tok := apiCall(t, app, http.MethodPost, "/v1/auth/login", map[string]any{"email": "admin@example.org", "password": "an admin passphrase here"}, "")
	u, err := store.UserByEmail(ctx, investor)
	if err != nil {
		t.Fatal(err)
	}
	list, err := store.AllInterests(ctx, u.ID, []string{"en"})
	if err != nil || len(list) == 0 {
		t.Fatalf("the investor's interests: %v, %d", err, len(list))
	}
	apiCall(t, app, http.MethodPatch, "/v1/interests/"+list[0].ID, map[string]any{"status": "answered", "reply": reply}, tok["access_token"].(string))
}

// publishPortugueseOnly has an agency publish an opportunity written in Portuguese only: an
// account applies for an organization of Cabo Verde, an administrator verifies it, and its
// member drafts, submits and publishes. It returns the opportunity's id.
func publishPortugueseOnly(t testing.TB, app *fiber.App, db *sqlx.DB) string {
	t.Helper()
	ctx := context.Background()
	store := repository.New(db)
	login := func(email string) string {
		apiCall(t, app, http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": "a long passphrase of theirs"}, "")
		return apiCall(t, app, http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": "a long passphrase of theirs"}, "")["access_token"].(string)
	}
	member := login("member@example.org")
	org := apiCall(t, app, http.MethodPost, "/v1/organizations", map[string]any{"name": "Câmara de Teste", "country": "CV", "type": "chamber"}, member)["id"].(string)
	adminToken := login("verifier@example.org")
	admin, err := store.UserByEmail(ctx, "verifier@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.MakeAdmin(ctx, admin.ID); err != nil {
		t.Fatal(err)
	}
	apiCall(t, app, http.MethodPost, "/v1/organizations/"+org+"/verify", nil, adminToken)
	id := apiCall(t, app, http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "sectors": []string{"tourism"},
		"region": "sal", "lang": "pt", "title": "Pousada só em português", "summary": "Ainda sem tradução.",
		"description": "Um texto escrito apenas em português."}, member)["id"].(string)
	apiCall(t, app, http.MethodPost, "/v1/opportunities/"+id+"/submit", nil, member)
	apiCall(t, app, http.MethodPost, "/v1/opportunities/"+id+"/publish", nil, member)
	return id
}
