package api_test

import (
	"net/http"
	"testing"
)

// Cabo Verde's remittance facts: by the senders' country of residence and by receiving
// municipality, sourced and dated, and disputed volumes shown side by side (migration 00033).
func TestRemittanceFacts(t *testing.T) {
	a := newAPI(t)
	r := a.get("/v1/countries/CV?lang=en")
	expect(t, r, http.StatusOK)
	facts, _ := r.json(t)["facts"].([]any)
	byMetric := map[string][]map[string]any{}
	for _, f := range facts {
		m := f.(map[string]any)
		code := m["metric"].(map[string]any)["code"].(string)
		byMetric[code] = append(byMetric[code], m)
	}
	munis := byMetric["remittances_by_municipality"]
	if len(munis) < 3 {
		t.Fatalf("%d facts by municipality", len(munis))
	}
	for _, m := range munis {
		if m["municipality"] == nil || m["residence_country"] != nil || m["as_of"] == nil || len(m["sources"].([]any)) == 0 {
			t.Errorf("municipality fact: %v", m)
		}
	}
	countries := byMetric["remittances_by_residence_country"]
	if len(countries) < 6 {
		t.Fatalf("%d facts by residence country", len(countries))
	}
	for _, m := range countries {
		if m["residence_country"] == nil {
			t.Errorf("no residence_country: %v", m)
		}
		if m["municipality"] != nil {
			t.Errorf("municipality on a country fact: %v", m)
		}
	}
	disputed := 0
	for _, m := range byMetric["remittances_volume"] {
		if m["disputed"] == true {
			disputed++
			if m["value"] != nil || len(m["alternatives"].([]any)) < 2 {
				t.Errorf("disputed volume shown as settled: %v", m)
			}
		}
	}
	if disputed < 2 {
		t.Errorf("%d disputed remittance volumes, want the 2018 and 2020 conflicts", disputed)
	}
	if d := byMetric["emigrant_deposits_share"]; len(d) != 1 || d[0]["disputed"] != true {
		t.Errorf("emigrant deposits share: %v", d)
	}
}
