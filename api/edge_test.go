package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/contract"
)

// TestErrorsDoNotAmplifyRequests: a request naming the same bad value, or thousands of unknown
// names, gets a short answer: a few errors per parameter, a few dozen in all.
func TestErrorsDoNotAmplifyRequests(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("amp@example.org")
	manyUnknownKeys := "{"
	for i := range 3000 {
		manyUnknownKeys += fmt.Sprintf(`"k%d":1,`, i)
	}
	manyUnknownKeys += `"display_name":"x"}`
	manyRegions := `{"origin_country":"CV","regions":[` + strings.Repeat(`"x\u0000",`, 2000) + `"y"]}`
	for _, c := range []struct {
		name, method, target, body string
	}{
		{"one sector repeated", http.MethodGet, "/v1/opportunities?sector=" + strings.Repeat("x,", 7000) + "x", ""},
		{"distinct unknown sectors", http.MethodGet, "/v1/opportunities?sector=" + strings.Repeat("zz,", 19) + "zz", ""},
		{"the parameter repeated", http.MethodGet, "/v1/opportunities?" + strings.Repeat("sector=x&", 1500), ""},
		{"many unknown parameters", http.MethodGet, "/v1/opportunities?" + strings.Repeat("a=1&b=2&c=3&d=4&", 500), ""},
		{"many unknown fields", http.MethodPatch, "/v1/me", manyUnknownKeys},
		{"many bad list items", http.MethodPut, "/v1/me/profile", manyRegions},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r response
			if c.body == "" {
				r = a.get(c.target)
			} else {
				r = a.send(c.method, c.target, c.body, bearer(acc.access)...)
			}
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			p := r.json(t)
			list, _ := p["errors"].([]any)
			if len(list) == 0 || len(list) > 20 {
				t.Errorf("%d errors", len(list))
			}
			perName := map[string]int{}
			for _, e := range list {
				perName[e.(map[string]any)["name"].(string)]++
			}
			for name, n := range perName {
				if n > 3 {
					t.Errorf("%d errors for %s", n, name)
				}
			}
			// The answer stays within a small multiple of the request, and small in any case.
			request := len(c.target) + len(c.body)
			if len(r.body) > 8<<10 || len(r.body) > 4*request+2048 {
				t.Errorf("%d-byte answer to a %d-byte request", len(r.body), request)
			}
		})
	}
}

// TestTextHygieneAtTheEdge: NUL, controls, bidi overrides, zero-width characters and broken
// UTF-8 are refused where the request is read, naming the field, before any reaches PostgreSQL.
func TestTextHygieneAtTheEdge(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	acc := a.signUp("text@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	nulCursor := domain.Cursor{List: domain.ListFingerprint("organizations", "", "", ""), ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda",
		PublishedAt: mustTime(t, "2026-01-01T00:00:00Z"), Key: "A\x00"}.Encode()
	for _, c := range []struct {
		name, method, target, body string
		who                        agent
		field, code                string
	}{
		{"directory cursor with NUL", http.MethodGet, "/v1/organizations?cursor=" + nulCursor, "", agent{}, "cursor", "invalid_cursor"},
		{"profile region with NUL", http.MethodPut, "/v1/me/profile", `{"origin_country":"CV","regions":["sal\u0000"]}`, agent{account: acc}, "regions", "invalid_character"},
		{"rate source with NUL", http.MethodPut, "/v1/exchange-rates/USD", `{"per_eur":"1.1","as_of":"2026-01-01","source":"BCV\u0000"}`, admin, "source", "invalid_character"},
		{"organization name with a bidi override", http.MethodPost, "/v1/organizations", `{"name":"Ag\u202eência","country":"CV","type":"ngo"}`, agent{account: acc}, "name", "invalid_character"},
		{"display name with a zero-width space", http.MethodPatch, "/v1/me", `{"display_name":"A\u200bna"}`, agent{account: acc}, "display_name", "invalid_character"},
		{"title with a newline", http.MethodPost, "/v1/opportunities", `{"country":"CV","lang":"pt","title":"a\nb","summary":"s","description":"d","sectors":["ict"]}`, ana, "title", "invalid_character"},
		{"title with a lone surrogate", http.MethodPost, "/v1/opportunities", `{"country":"CV","lang":"pt","title":"a\ud800","summary":"s","description":"d","sectors":["ict"]}`, ana, "title", "invalid_encoding"},
		{"summary with raw broken UTF-8", http.MethodPost, "/v1/opportunities", "{\"country\":\"CV\",\"lang\":\"pt\",\"title\":\"t\",\"summary\":\"caf\xe9\",\"description\":\"d\",\"sectors\":[\"ict\"]}", ana, "summary", "invalid_encoding"},
		{"description with NUL", http.MethodPost, "/v1/opportunities", `{"country":"CV","lang":"pt","title":"t","summary":"s","description":"a\u0000","sectors":["ict"]}`, ana, "description", "invalid_character"},
		{"nested contact name with an escape", http.MethodPost, "/v1/opportunities", `{"country":"CV","lang":"pt","title":"t","summary":"s","description":"d","sectors":["ict"],"contact":{"name":"\u001b[31m"}}`, ana, "contact.name", "invalid_character"},
		{"eligibility region with NUL", http.MethodPost, "/v1/eligibility", `{"country":"CV","region":"sal\u0000"}`, agent{}, "region", "invalid_character"},
		{"query value with a bidi isolate", http.MethodGet, "/v1/organizations?country=C%E2%81%A6V", "", agent{}, "country", "invalid_character"},
		{"e-mail with NUL", http.MethodPost, "/v1/auth/login", `{"email":"a@b.c\u0000","password":"x"}`, agent{}, "email", "invalid_character"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var header []string
			if c.who.access != "" {
				header = bearer(c.who.access)
			}
			var r response
			if c.body == "" {
				r = a.get(c.target, header...)
			} else {
				r = a.send(c.method, c.target, c.body, header...)
			}
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			if got := fieldErrors(r.json(t))[c.field]; got != c.code {
				t.Errorf("%s: %q, want %q: %s", c.field, got, c.code, r.body)
			}
		})
	}
	// Line breaks stay allowed in long text.
	r := a.send(http.MethodPost, "/v1/opportunities", `{"country":"CV","lang":"pt","title":"Título","summary":"Linha 1\nLinha 2","description":"Parágrafo.\n\n\tOutro.","sectors":["ict"]}`, bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	if r.json(t)["description"] != "Parágrafo.\n\n\tOutro." {
		t.Errorf("description %v", r.json(t)["description"])
	}
}

// TestOneInvestmentBound: a new opportunity may give either bound alone, or null; a PATCH that
// changes the range sends both, and the message says so.
func TestOneInvestmentBound(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	body := func(extra string) string {
		return `{"country":"CV","lang":"pt","title":"Loja","summary":"s","description":"d","sectors":["commerce"]` + extra + `}`
	}
	r := a.send(http.MethodPost, "/v1/opportunities", body(`,"min_investment":{"amount":"50000","currency":"EUR"}`), bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	it := r.json(t)
	if it["max_investment"] != nil || it["min_investment"].(map[string]any)["amount"] != "50000.00" {
		t.Errorf("min alone: %v – %v", it["min_investment"], it["max_investment"])
	}
	r = a.send(http.MethodPost, "/v1/opportunities", body(`,"min_investment":{"amount":"50000","currency":"EUR"},"max_investment":null`), bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	r = a.send(http.MethodPost, "/v1/opportunities", body(`,"max_investment":{"amount":"90000","currency":"CVE"},"jobs":null`), bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	id := r.json(t)["id"].(string)
	p := problemOf(t, a.send(http.MethodPatch, "/v1/opportunities/"+id, `{"min_investment":{"amount":"1","currency":"EUR"}}`, bearer(ana.access)...),
		http.StatusBadRequest, "/problems/invalid-body")
	if fieldErrors(p)["max_investment"] != "give_both" || !strings.Contains(string(a.send(http.MethodPatch, "/v1/opportunities/"+id,
		`{"min_investment":{"amount":"1","currency":"EUR"}}`, append(bearer(ana.access), "Accept-Language", "en")...).body), "existing item") {
		t.Errorf("PATCH of one bound: %v", p)
	}
	r = a.send(http.MethodPatch, "/v1/opportunities/"+id, `{"min_investment":{"amount":"1","currency":"EUR"},"max_investment":null}`, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
}

// TestDecodeErrorsNameShapesNotGoTypes: a wrong type names the JSON shape expected; no Go type
// name reaches a client. Nested names match exactly, as top-level ones do.
func TestDecodeErrorsNameShapesNotGoTypes(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("shapes@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	for _, c := range []struct {
		target, body, field, code, want string
		auth                            []string
	}{
		{"/v1/eligibility", `{"country":"CV","amount":750000}`, "amount", "invalid_type", `{"amount": "750000.00", "currency": "EUR"}`, nil},
		{"/v1/eligibility", `{"country":"CV","amount":{"AMOUNT":"1","currency":"EUR"}}`, "amount.AMOUNT", "unknown_field", "", nil},
		{"/v1/eligibility", `{"country":"CV","jobs":1e309}`, "jobs", "invalid_type", "whole number", nil},
		{"/v1/eligibility", `{"country":"CV","jobs":1234567890123456789012345678901234567890}`, "jobs", "invalid_type", "whole number", nil},
		{"/v1/eligibility", `{"country":"CV","jobs":2.5}`, "jobs", "invalid_type", "whole number", nil},
		{"/v1/eligibility", `{"country":["CV"]}`, "country", "invalid_type", "a string", nil},
		{"/v1/eligibility", `["CV"]`, "body", "invalid_type", "JSON object", nil},
		{"/v1/me/profile", `{"ticket_min":{"amount":"1","currency":"EUR","Currency":"CVE"}}`, "ticket_min.Currency", "unknown_field", "", bearer(acc.access)},
		{"/v1/me/profile", `{"ticket_min":"1000 EUR"}`, "ticket_min", "invalid_type", `"currency": "EUR"`, bearer(acc.access)},
		{"/v1/me/profile", `{"sectors":"tourism"}`, "sectors", "invalid_type", "an array", bearer(acc.access)},
		{"/v1/me", `{"lang":7}`, "lang", "invalid_type", "expected a string", bearer(acc.access)},
		{"/v1/opportunities", `{"eligibility":5}`, "eligibility", "unknown_field", "", bearer(ana.access)},
		{"/v1/incentives", `{"country":"CV","lang":"pt","name":"N","summary":"s","description":"d","type":"tax","legal_instrument":"L","eligibility":{"min_jobs":"5"}}`, "eligibility.min_jobs", "invalid_type", "whole number", bearer(ana.access)},
		{"/v1/incentives", `{"country":"CV","lang":"pt","name":"N","summary":"s","description":"d","type":"tax","legal_instrument":"L","benefits":[{"kind":"grant","amount":{"amount":"1","currency":"EUR","Kind":1}}]}`, "benefits.amount.Kind", "unknown_field", "", bearer(ana.access)},
		{"/v1/incentives", `{"country":"CV","lang":"pt","name":"N","summary":"s","description":"d","type":"tax","legal_instrument":"L","eligibility":{"residence_abroad":"yes"}}`, "eligibility.residence_abroad", "invalid_type", "true or false", bearer(ana.access)},
	} {
		method := http.MethodPost
		if strings.HasPrefix(c.target, "/v1/me/") {
			method = http.MethodPut
		} else if c.target == "/v1/me" {
			method = http.MethodPatch
		}
		r := a.send(method, c.target, c.body, append(c.auth, "Accept-Language", "en")...)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s: status %d: %s", c.target, c.body, r.status, r.body)
			continue
		}
		body := string(r.body)
		if got := fieldErrors(r.json(t))[c.field]; got != c.code {
			t.Errorf("%s: %s=%q, want %q: %s", c.body, c.field, got, c.code, body)
		}
		details := ""
		for _, e := range r.json(t)["errors"].([]any) {
			details += e.(map[string]any)["detail"].(string) + "\n"
		}
		if !strings.Contains(details, c.want) {
			t.Errorf("%s: no %q in %s", c.body, c.want, details)
		}
		for _, goName := range []string{"api.", "domain.", "repository.", "Go struct", "Go value", "int64", "float64", "[]string"} {
			if strings.Contains(body, goName) {
				t.Errorf("%s: %q reaches the client: %s", c.body, goName, body)
			}
		}
	}
}

// TestIdempotencyKeyComparesCanonicalJSON: a retry with other spacing or key order is the same
// request; another message is not.
func TestIdempotencyKeyComparesCanonicalJSON(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	a.verify(admin, ana.org)
	id, _ := a.draft(ana)
	for _, step := range []string{"submit", "publish"} {
		expect(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/"+step, nil, bearer(ana.access)...), http.StatusOK)
	}
	zé := a.user("ze@example.org")
	send := func(body string) response {
		return a.send(http.MethodPost, "/v1/opportunities/"+id+"/interests", body, append(bearer(zé.access), "Idempotency-Key", "canon-1")...)
	}
	first := send(`{"message":"Tenho interesse.","amount":{"amount":"1000","currency":"EUR"}}`)
	expect(t, first, http.StatusCreated)
	again := send("{ \"amount\" : {\"currency\":\"EUR\", \"amount\":\"1000\"},\n  \"message\": \"Tenho interesse.\" }")
	expect(t, again, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || again.json(t)["id"] != first.json(t)["id"] {
		t.Errorf("the same JSON differently written was not a replay: %s", again.body)
	}
	problemOf(t, send(`{"message":"Tenho interesse!","amount":{"amount":"1000","currency":"EUR"}}`), http.StatusUnprocessableEntity, "/problems/idempotency-key-reused")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+id+"/interests", `{"message":"x"}`, append(bearer(zé.access), "Idempotency-Key", "k\u202e")...),
		http.StatusBadRequest, "/problems/invalid-parameters")
}

// TestUnknownQueryParametersOnEveryRoute: every documented operation refuses a parameter it
// does not document, naming it, and documents that 400 (the contract check of every response
// fails otherwise); documented ones and lang pass this check.
func TestUnknownQueryParametersOnEveryRoute(t *testing.T) {
	a := newAPI(t)
	routes, err := contract.Routes()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		path := r.Path
		for _, p := range []string{"{code}", "{id}", "{lang}", "{currency}", "{file}", "{opportunity_id}", "{user_id}"} {
			path = strings.ReplaceAll(path, p, map[string]string{"{code}": "CV", "{lang}": "en", "{currency}": "USD", "{file}": "index.css"}[p]+"x1")
		}
		target := path + "?cuontry=CV&lang=en"
		var resp response
		if r.Method == http.MethodGet || r.Method == http.MethodDelete {
			resp = a.do(r.Method, target, nil)
		} else {
			resp = a.send(r.Method, target, `{}`)
		}
		if resp.status != http.StatusBadRequest {
			t.Errorf("%s %s: status %d", r.Method, target, resp.status)
			continue
		}
		e := fieldErrors(resp.json(t))
		if e["cuontry"] != "unknown_parameter" || len(e) != 1 {
			t.Errorf("%s %s: errors %v", r.Method, target, e)
		}
	}
	// Documented parameters pass: a page of the catalogue with its filters.
	expect(t, a.get("/v1/countries/CV/opportunities?"+url.Values{"sector": {"tourism"}, "limit": {"2"}, "fields": {"title"}, "currency": {"CVE"}, "lang": {"pt"}}.Encode()), http.StatusOK)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
