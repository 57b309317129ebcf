package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
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

// FuzzWriteBodies sends arbitrary JSON bodies to the write routes (register, login, profile,
// patch me, bookmarks): none may give a 500 or a panic. Run longer with `make fuzz`.
func FuzzWriteBodies(f *testing.F) {
	seeds := []string{`{}`, `null`, `[]`, `{"email":"a@b.c","password":"x"}`, `{"email":null}`, `{"display_name":"` + strings.Repeat("é", 300) + `"}`,
		`{"lang":"pt"}`, `{"lang":null}`, `{"lang":7}`, `{"sectors":["tourism","tourism"],"regions":["sal"],"origin_country":"CV"}`,
		`{"ticket_min":{"amount":"1e99","currency":"EUR"},"ticket_max":{"amount":"1","currency":"eur"}}`,
		`{"investor_type":"diaspora","legal_form":"company","languages":["pt","kea","!!"]}`, `{"role":"admin"}`,
		`{"email":"A@B.C","password":"` + strings.Repeat("p", 200) + `"}`, `{"a":` + strings.Repeat("[", 1000), "\x00", `{"display_name":"\u0000"}`}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	db, _ := testdb.New(f)
	app := newApp(f, db, api.DefaultConfig())
	token := fuzzUser(f, app)
	routes := []struct{ method, path string }{
		{http.MethodPost, "/v1/auth/register"}, {http.MethodPost, "/v1/auth/login"}, {http.MethodPut, "/v1/me/profile"},
		{http.MethodPatch, "/v1/me"}, {http.MethodPut, "/v1/me/saved/not-an-id"}, {http.MethodPost, "/v1/auth/refresh"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Skip()
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Errorf("%s %s %q: %d %s", r.method, r.path, body, resp.StatusCode, b)
		}
	})
}

// fuzzUser registers and signs in an investor, returning an access token.
func fuzzUser(f *testing.F, app interface {
	Test(*http.Request, ...int) (*http.Response, error)
}) string {
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
	const creds = `{"email":"fuzz@example.org","password":"a fuzzing password of some length"}`
	post("/v1/auth/register", creds)
	return post("/v1/auth/login", creds)["access_token"].(string)
}
