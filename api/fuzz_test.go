package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// FuzzLanguageNegotiation: any lang parameter and Accept-Language header either gives supported
// languages or, for a malformed lang parameter only, an error; never a panic.
func FuzzLanguageNegotiation(f *testing.F) {
	for _, s := range [][2]string{{"pt", ""}, {"", "pt-BR,pt;q=0.9,en;q=0.5"}, {"de", "fr-CA"}, {"!!", ""}, {"", ";;;q=abc,*"},
		{"en-", "x-klingon;q=2"}, {"", strings.Repeat("pt-PT,", 200)}, {"zh-Hant-TW", "*;q=0"}, {"", "en;q=0.0000001"}} {
		f.Add(s[0], s[1])
	}
	langs, err := api.LoadLanguages("en")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, param, accept string) {
		prefs, err := langs.Negotiate(param, accept, "")
		if err != nil {
			if param == "" {
				t.Errorf("Accept-Language %q alone gave an error: %v", accept, err)
			}
			return
		}
		for _, p := range prefs {
			if !strings.Contains(","+strings.Join(langs.Codes(), ",")+",", ","+p+",") {
				t.Errorf("%q / %q gave unsupported %q", param, accept, p)
			}
		}
	})
}

// FuzzWriteBodies sends arbitrary JSON bodies to the write routes (register, login, refresh,
// profile, patch me, bookmarks, eligibility, API keys, exchange rates, expressions of interest):
// none may give a 500 or a panic, and no refusal may show a Go type name. Run longer with
// `make fuzz`.
func FuzzWriteBodies(f *testing.F) {
	seeds := []string{`{}`, `null`, `[]`, `{"email":"a@b.c","password":"x"}`, `{"email":null}`, `{"display_name":"` + strings.Repeat("é", 300) + `"}`,
		`{"lang":"pt"}`, `{"lang":null}`, `{"lang":7}`, `{"sectors":["tourism","tourism"],"regions":["sal"],"origin_country":"CV"}`,
		`{"ticket_min":{"amount":"1e99","currency":"EUR"},"ticket_max":{"amount":"1","currency":"eur"}}`,
		`{"investor_type":"diaspora","legal_form":"company","languages":["pt","kea","!!"]}`, `{"role":"admin"}`,
		`{"email":"A@B.C","password":"` + strings.Repeat("p", 200) + `"}`, `{"a":` + strings.Repeat("[", 1000), "\x00", `{"display_name":"\u0000"}`,
		`{"country":"CV","investor_type":"diaspora","residence_country":"FR","sector":"tourism","region":"boa_vista","amount":{"amount":"750000.00","currency":"EUR"},"jobs":10}`,
		`{"country":"CV","amount":750000}`, `{"country":"CV","amount":{"AMOUNT":"1","currency":"EUR"}}`, `{"country":"cv","jobs":1e309,"region":"sal\u0000"}`,
		`{"name":"App","scopes":["catalogue:read"],"expires_in_days":30}`, `{"name":"\u202eApp","scopes":["catalogue:read","catalogue:read"],"expires_in_days":-0}`,
		`{"per_eur":"1.1","as_of":"2026-01-01","source":"BCV"}`, `{"per_eur":"1e309","as_of":"2026-02-30","source":"BCV\u0000"}`,
		`{"message":"Interesse.","amount":{"amount":"1000","currency":"EUR"},"share":["email"]}`, `{"message":"\ud800","share":["password_hash"]}`}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	db, _ := testdb.New(f)
	app := newApp(f, db, api.DefaultConfig())
	token := fuzzUser(f, app, "fuzz@example.org")
	admin := fuzzUser(f, app, "fuzz-admin@example.org")
	store := repository.New(db)
	u, err := store.UserByEmail(context.Background(), "fuzz-admin@example.org")
	if err != nil {
		f.Fatal(err)
	}
	if err := store.MakeAdmin(context.Background(), u.ID); err != nil {
		f.Fatal(err)
	}
	var published string
	if err := db.Get(&published, `SELECT id FROM opportunities WHERE status = 'published' ORDER BY id LIMIT 1`); err != nil {
		f.Fatal(err)
	}
	routes := []struct{ method, path, token string }{
		{http.MethodPost, "/v1/auth/register", token}, {http.MethodPost, "/v1/auth/login", token}, {http.MethodPut, "/v1/me/profile", token},
		{http.MethodPatch, "/v1/me", token}, {http.MethodPut, "/v1/me/saved/not-an-id", token}, {http.MethodPost, "/v1/auth/refresh", token},
		{http.MethodPost, "/v1/eligibility", ""}, {http.MethodPost, "/v1/me/api-keys", token}, {http.MethodPut, "/v1/exchange-rates/USD", admin},
		{http.MethodPost, "/v1/opportunities/" + published + "/interests", token},
	}
	goType := regexp.MustCompile(`\b(api|domain|repository|json|main)\.[A-Za-z]|Go (struct|value)|\b(int64|float64|\[\]string)\b`)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.token)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Skip()
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Errorf("%s %s %q: %d %s", r.method, r.path, body, resp.StatusCode, b)
		}
		if resp.StatusCode >= 400 && goType.Match(b) {
			t.Errorf("%s %s %q: a Go name reaches the client: %s", r.method, r.path, body, b)
		}
	})
}

// fuzzUser registers and signs in an investor, returning an access token.
func fuzzUser(f *testing.F, app interface {
	Test(*http.Request, ...int) (*http.Response, error)
}, email string) string {
	post := func(path, body string) map[string]any {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode >= 300 {
			f.Fatalf("%s: %v %v", path, resp.StatusCode, err)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	creds := `{"email":"` + email + `","password":"a fuzzing password of some length"}`
	post("/v1/auth/register", creds)
	return post("/v1/auth/login", creds)["access_token"].(string)
}
