package domain

import (
	"encoding/json"
	"testing"
)

// BenchmarkPageJSON encodes a page of 20 opportunities as the API's views hold them.
func BenchmarkPageJSON(b *testing.B) {
	title, region := "Eco-resort on Boa Vista", "boa_vista"
	items := make([]Opportunity, 20)
	for i := range items {
		items[i] = Opportunity{Content: Content{ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda", Slug: "eco-resort", Country: "CV",
			Summary:   "A 120-room eco-resort with a solar plant, looking for equity partners among the diaspora.",
			Localized: Localized{Lang: "en", Langs: []string{"en", "fr", "pt"}, SourceLang: "pt"}},
			Title: title, Sectors: []string{"tourism", "renewable_energy"}, Instrument: &region,
			MinInvestment: &Money{Amount: "1500000.00", Currency: "CVE"}}
	}
	page := Page[Opportunity]{Items: items}
	for b.Loop() {
		if _, err := json.Marshal(page); err != nil {
			b.Fatal(err)
		}
	}
}
