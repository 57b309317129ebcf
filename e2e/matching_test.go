package e2e

import (
	"maps"
	"net/http"
	"strings"
	"testing"
)

// TestServerMatching asks the real server, over a socket, the two questions of issue 5: what
// applies to a diaspora investor living in France with 750,000 EUR for tourism on Boa Vista,
// and what a signed-in investor with a tourism profile is recommended.
func TestServerMatching(t *testing.T) {
	s, _, _ := startServer(t)
	must := func(r reply, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		return r.object(t)
	}
	names := func(list any) []string {
		var out []string
		for _, raw := range list.([]any) {
			out = append(out, raw.(map[string]any)["name"].(string))
		}
		return out
	}

	situation := map[string]any{"country": "CV", "investor_type": "diaspora", "residence_country": "FR",
		"sector": "tourism", "region": "boa_vista", "amount": map[string]any{"amount": "750000.00", "currency": "EUR"}}
	answer := must(s.json(http.MethodPost, "/v1/eligibility?lang=en", situation, ""), http.StatusOK)
	eligible := strings.Join(names(answer["eligible"]), " | ")
	for _, want := range []string{"Dividend and profit tax exemption for emigrant investors", "Investment tax credit in priority sectors", "Integrated Tourism Development Zones"} {
		if !strings.Contains(strings.ToLower(eligible), strings.ToLower(want)) {
			t.Errorf("eligible (%s) lacks %q", eligible, want)
		}
	}
	poor := maps.Clone(situation)
	poor["amount"] = map[string]any{"amount": "100.00", "currency": "EUR"}
	poorAnswer := must(s.json(http.MethodPost, "/v1/eligibility?lang=en", poor, ""), http.StatusOK)
	// With 100 EUR the minimums fail, each refusal with its reasons (checked below).
	minimumFailed := false
	for _, raw := range poorAnswer["not_eligible"].([]any) {
		for _, f := range raw.(map[string]any)["failed"].([]any) {
			minimumFailed = minimumFailed || f.(map[string]any)["code"] == "min_investment"
		}
	}
	if !minimumFailed {
		t.Errorf("with 100 EUR no minimum investment failed: %v", poorAnswer["not_eligible"])
	}

	for _, raw := range poorAnswer["not_eligible"].([]any) {
		e := raw.(map[string]any)
		failed := e["failed"].([]any)
		if len(failed) == 0 {
			t.Errorf("%v refused without a reason", e["name"])
		}
		for _, f := range failed {
			if f.(map[string]any)["detail"] == "" {
				t.Errorf("%v: unexplained failure", e["name"])
			}
		}
	}
	bad := s.json(http.MethodPost, "/v1/eligibility", map[string]any{"country": "CV", "amount": map[string]any{"amount": "-5", "currency": "EUR"}}, "")
	if bad.status != http.StatusBadRequest || !strings.Contains(string(bad.body), "invalid_amount") {
		t.Errorf("negative amount: %d %s", bad.status, bad.body)
	}

	const email, password = "tourism@example.org", "morabeza em Sal Rei 2026"
	must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, ""), http.StatusCreated)
	access := must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusOK)["access_token"].(string)
	must(s.json(http.MethodPut, "/v1/me/profile", map[string]any{"origin_country": "CV", "residence_country": "FR",
		"sectors": []string{"tourism"}, "investor_type": "diaspora"}, access), http.StatusOK)
	recs := must(s.json(http.MethodGet, "/v1/me/recommendations?lang=fr", nil, access), http.StatusOK)
	opps := recs["opportunities"].([]any)
	if len(opps) == 0 {
		t.Fatal("no recommendation for a tourism profile")
	}
	for _, raw := range opps {
		o := raw.(map[string]any)["opportunity"].(map[string]any)
		tourism := false
		for _, sector := range o["sectors"].([]any) {
			tourism = tourism || sector.(map[string]any)["code"] == "tourism"
		}
		if !tourism {
			t.Errorf("%v is not a tourism opportunity", o["slug"])
		}
	}
	if len(recs["eligible"].([]any)) == 0 {
		t.Error("no incentive or programme for the profile")
	}
}
