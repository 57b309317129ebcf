package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestContentBodies: each kind takes its own fields, checks every one, and says what is wrong
// with each in one answer.
func TestContentBodies(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	post := func(kind string, body any) response {
		return a.send(http.MethodPost, "/v1/"+kind, body, bearer(ana.access)...)
	}
	cases := []struct {
		name   string
		kind   string
		body   any
		status int
		typ    string
		errors map[string]string
	}{
		{"empty", "opportunities", map[string]any{}, 400, "/problems/invalid-body",
			map[string]string{"country": "required", "lang": "required", "title": "required", "summary": "required", "description": "required", "sectors": "required"}},
		{"codes", "opportunities", map[string]any{"country": "ZZ", "lang": "de", "title": "T", "summary": "", "description": "",
			"sectors": []string{"mining"}, "instrument": "loan", "investor_types": []string{"alien"}}, 400, "/problems/invalid-body",
			map[string]string{"country": "unknown_country", "lang": "unsupported_language", "sectors": "unknown_code", "instrument": "unknown_code", "investor_types": "unknown_code"}},
		{"region of another country", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "T", "summary": "", "description": "",
			"sectors": []string{"ict"}, "region": "dakar"}, 400, "/problems/invalid-body", map[string]string{"region": "unknown_region"}},
		{"money", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "T", "summary": "", "description": "", "sectors": []string{"ict"},
			"min_investment": map[string]any{"amount": "1.234", "currency": "EUR"}, "max_investment": map[string]any{"amount": "5", "currency": "usd1"}}, 400, "/problems/invalid-body",
			map[string]string{"min_investment": "invalid_amount", "max_investment": "invalid_currency"}},
		{"range", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "T", "summary": "", "description": "", "sectors": []string{"ict"},
			"min_investment": map[string]any{"amount": "10", "currency": "EUR"}, "max_investment": map[string]any{"amount": "5", "currency": "EUR"}, "jobs": -1, "deadline": "2027-02-30"},
			400, "/problems/invalid-body", map[string]string{"min_investment": "min_greater_than_max", "jobs": "invalid_count", "deadline": "invalid_date"}},
		{"fields of another kind", "opportunities", map[string]any{"name": "x", "legal_instrument": "y"}, 400, "/problems/invalid-body",
			map[string]string{"name": "unknown_field", "legal_instrument": "unknown_field"}},
		{"unknown nested field", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "T", "summary": "", "description": "", "sectors": []string{"ict"},
			"contact": map[string]any{"fax": "1", "Name": "x"}}, 400, "/problems/invalid-body", map[string]string{"contact.fax": "unknown_field", "contact.Name": "unknown_field"}},
		{"wrong type", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": 5}, 400, "/problems/invalid-body", map[string]string{"title": "invalid_type"}},
		{"too long", "opportunities", map[string]any{"country": "CV", "lang": "pt", "title": strings.Repeat("a", 301), "summary": "", "description": "", "sectors": []string{"ict"}},
			400, "/problems/invalid-body", map[string]string{"title": "too_long"}},
		{"malformed", "opportunities", `{"country": "CV",`, 400, "/problems/malformed-json", nil},
		{"incentive without its legal basis", "incentives", map[string]any{"country": "CV", "lang": "pt", "name": "N", "summary": "", "description": ""},
			400, "/problems/invalid-body", map[string]string{"type": "required", "legal_instrument": "required"}},
		{"incentive eligibility", "incentives", map[string]any{"country": "CV", "lang": "pt", "name": "N", "summary": "", "description": "", "type": "tax",
			"legal_instrument": "Lei", "valid_from": "2026-01-01", "valid_until": "2025-01-01",
			"eligibility": map[string]any{"min_investment": map[string]any{"amount": "1", "currency": "EUR"}, "regions": []string{"atlantis"}},
			"benefits":    []map[string]any{{"kind": "tax_credit", "percent": "150"}}},
			400, "/problems/invalid-body", map[string]string{"valid_until": "before_start", "eligibility.regions": "unknown_region", "benefits": "invalid_percent"}},
		{"programme operator", "programmes", map[string]any{"country": "CV", "lang": "pt", "name": "N", "summary": "", "description": "", "type": "grant",
			"operator_id": "00000000-0000-0000-0000-000000000000", "url": "javascript:alert(1)"},
			400, "/problems/invalid-body", map[string]string{"operator_id": "unknown_organization", "url": "invalid_url"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := problemOf(t, post(c.kind, c.body), c.status, c.typ)
			got := fieldErrors(p)
			for name, code := range c.errors {
				if got[name] != code {
					t.Errorf("%s: %q, want %q (all: %v)", name, got[name], code, got)
				}
			}
		})
	}
	if n := a.get("/v1/organizations/"+ana.org+"/content", bearer(ana.access)...).items(t); len(n) != 0 {
		t.Errorf("refused bodies left %d items", len(n))
	}
}

// TestIncentiveAndProgrammeWriting: the other two kinds go through the same workflow with
// their own fields.
func TestIncentiveAndProgrammeWriting(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin@example.org")
	ana := a.founder("ana@agency.cv", "Agência")
	a.verify(admin, ana.org)
	r := a.send(http.MethodPost, "/v1/incentives", map[string]any{
		"country": "CV", "lang": "pt", "type": "tax", "name": "Crédito fiscal ao investimento",
		"summary": "Dedução à coleta do IRPC.", "description": "Crédito de 50% do investimento elegível.",
		"legal_instrument": "Código dos Benefícios Fiscais", "legal_article": "Art. 10.º", "valid_from": "2026-01-01",
		"eligibility": map[string]any{"investor_types": []string{"diaspora", "foreign"}, "sectors": []string{"tourism"}, "regions": []string{"boa_vista", "sal"},
			"min_investment": map[string]any{"amount": "100000", "currency": "EUR"}, "max_investment": nil, "min_jobs": 5, "residence_abroad": true},
		"benefits": []map[string]any{{"kind": "tax_credit", "tax": "irpc", "percent": "50", "duration_years": 5}},
		"source":   map[string]any{"title": "BO n.º 1", "url": "https://example.org/bo"},
	}, bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	inc := r.json(t)
	id := inc["id"].(string)
	el := inc["eligibility"].(map[string]any)
	if inc["type"].(map[string]any)["code"] != "tax" || el["min_jobs"] != 5.0 || len(el["regions"].([]any)) != 2 || len(inc["benefits"].([]any)) != 1 {
		t.Errorf("incentive %s", r.body)
	}
	if !strings.HasPrefix(inc["slug"].(string), "credito-fiscal-ao-investimento-") {
		t.Errorf("slug %v", inc["slug"])
	}
	// PATCH one condition; the others stay.
	r = a.send(http.MethodPatch, "/v1/incentives/"+id, map[string]any{"eligibility": map[string]any{"regions": nil}, "legal_article": nil}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if el := r.json(t)["eligibility"].(map[string]any); len(el["regions"].([]any)) != 0 || el["min_jobs"] != 5.0 {
		t.Errorf("after PATCH %v", el)
	}
	for _, step := range []string{"submit", "publish"} {
		expect(t, a.send(http.MethodPost, "/v1/incentives/"+id+"/"+step, nil, bearer(ana.access)...), http.StatusOK)
	}
	expect(t, a.get("/v1/incentives/"+id), http.StatusOK)
	events := a.get("/v1/incentives/"+id+"/history", bearer(ana.access)...).items(t)
	changes := events[1]["changes"].(map[string]any)
	if _, ok := changes["regions"]; !ok || len(changes) != 2 {
		t.Errorf("the update records %v", changes)
	}

	r = a.send(http.MethodPost, "/v1/programmes", map[string]any{
		"country": "CV", "lang": "pt", "type": "grant", "name": "Bolsa de arranque", "summary": "s", "description": "d",
		"how_to_apply": "Candidatura online.", "max_amount": map[string]any{"amount": "25000", "currency": "EUR"},
	}, bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	prog := r.json(t)
	if prog["operator"].(map[string]any)["id"] != ana.org || prog["how_to_apply"] != "Candidatura online." {
		t.Errorf("programme %s", r.body)
	}
	// A PATCH of the name keeps how_to_apply.
	r = a.send(http.MethodPatch, "/v1/programmes/"+prog["id"].(string), map[string]any{"name": "Bolsa de arranque 2027"}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if r.json(t)["how_to_apply"] != "Candidatura online." {
		t.Errorf("how_to_apply lost: %s", r.body)
	}
	// The date the programme was checked against its sources: set, refused in the future or
	// malformed (nothing written), then cleared; the history records it.
	progURL := "/v1/programmes/" + prog["id"].(string)
	r = a.send(http.MethodPatch, progURL, map[string]any{"as_of": "2026-11-30"}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if got := r.json(t)["as_of"]; got != "2026-11-30" {
		t.Errorf("as_of after PATCH: %v", got)
	}
	for value, code := range map[string]string{"2999-01-01": "date_in_future", "30/11/2026": "invalid_date"} {
		r = a.send(http.MethodPatch, progURL, map[string]any{"as_of": value, "name": "Nunca escrito"}, bearer(ana.access)...)
		if got := fieldErrors(problemOf(t, r, http.StatusBadRequest, "/problems/invalid-body")); got["as_of"] != code || len(got) != 1 {
			t.Errorf("as_of %s: %v", value, got)
		}
	}
	r = a.get(progURL, bearer(ana.access)...)
	if got := r.json(t); got["as_of"] != "2026-11-30" || got["name"] != "Bolsa de arranque 2027" {
		t.Errorf("a refused PATCH wrote: %s", r.body)
	}
	r = a.send(http.MethodPatch, progURL, map[string]any{"as_of": nil}, bearer(ana.access)...)
	expect(t, r, http.StatusOK)
	if got, ok := r.json(t)["as_of"]; !ok || got != nil {
		t.Errorf("as_of after null: %v", got)
	}
	// The organization's list has both, newest change first.
	mine := a.get("/v1/organizations/"+ana.org+"/content", bearer(ana.access)...).items(t)
	if len(mine) != 2 || mine[0]["kind"] != "programmes" || mine[1]["kind"] != "incentives" {
		t.Errorf("own content %v", mine)
	}
}
