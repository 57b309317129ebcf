package repository_test

import (
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// TestSearchRelevance keeps the quality of search over the seed: each query names the items
// a reader means by it, which must be among the first three results. Queries are written as
// readers type them, in Portuguese, English and French: single words, phrases, plurals and
// other stem forms, accents and capitals left out, and misspelt words (corrected from the
// words of published titles by trigram similarity).
func TestSearchRelevance(t *testing.T) {
	s := newStore(t)
	o, i, p := domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme
	for _, c := range []struct {
		lang string
		kind domain.Kind
		q    string
		want []string
	}{
		// Single words.
		{"en", o, "winery", []string{"cv-fogo-winery-expansion"}},
		{"pt", o, "vinho", []string{"cv-fogo-winery-expansion"}},
		{"fr", o, "poisson", []string{"cv-mindelo-fish-processing"}},
		{"en", o, "laundry", []string{"cv-boa-vista-hotel-laundry-supply"}},
		{"fr", o, "logiciel", []string{"cv-mindelo-software-studio"}},
		{"en", o, "clinic", []string{"cv-sal-health-wellness-clinic"}},
		{"fr", o, "clinique", []string{"cv-sal-health-wellness-clinic"}},
		{"pt", o, "horticultura", []string{"cv-santa-catarina-drip-horticulture"}},
		// "hotelaria" stems to "hotel", which many titles share; the title that holds the word
		// as typed comes first (README, Search).
		{"pt", o, "hotelaria", []string{"cv-sal-hospitality-training-school"}},
		{"pt", o, "escola de hotelaria", []string{"cv-sal-hospitality-training-school"}},
		{"fr", o, "hôtellerie", []string{"cv-sal-hospitality-training-school"}},
		{"en", i, "dividend", []string{"cv-emigrant-investor-dividend-exemption"}},
		{"fr", i, "subvention", []string{"md-pare-1-1-matching-grant", "md-pare-1-2-growth-grant"}},
		{"fr", p, "garantie", []string{"cv-pro-garante-guarantee"}},
		{"en", p, "Senegalese", []string{"sn-faise-fse"}},
		// Phrases.
		{"en", o, "fish processing", []string{"cv-mindelo-fish-processing", "sn-saint-louis-fish-processing"}},
		{"pt", o, "transformação de pescado", []string{"cv-mindelo-fish-processing", "sn-saint-louis-fish-processing"}},
		{"en", o, "software studio", []string{"cv-mindelo-software-studio"}},
		{"en", o, "water sports", []string{"cv-santa-maria-water-sports"}},
		{"en", o, "ship repair", []string{"cv-mindelo-ship-repair-supplies"}},
		{"fr", o, "réparation navale", []string{"cv-mindelo-ship-repair-supplies"}},
		{"en", o, "hospitality training", []string{"cv-sal-hospitality-training-school"}},
		{"en", i, "permanent residence", []string{"cv-investor-permanent-residence", "cv-green-card-second-home"}},
		{"fr", i, "résidence permanente", []string{"cv-investor-permanent-residence", "cv-green-card-second-home"}},
		{"en", i, "green card", []string{"cv-green-card-second-home"}},
		{"en", i, "tax credit", []string{"cv-investment-tax-credit-priority", "cv-investment-tax-credit-general"}},
		{"en", i, "matching grant", []string{"md-pare-1-1-matching-grant"}},
		{"en", p, "venture capital", []string{"cv-pro-capital-equity"}},
		{"pt", p, "capital de risco", []string{"cv-pro-capital-equity"}},
		{"en", p, "credit guarantee", []string{"cv-pro-garante-guarantee"}},
		// Plurals and other stem forms.
		{"en", o, "drip irrigation", []string{"cv-santa-catarina-drip-horticulture"}},
		{"pt", i, "dividendos", []string{"cv-emigrant-investor-dividend-exemption"}},
		{"en", i, "returning residents", []string{"jm-returning-residents-customs"}},
		{"en", o, "diaspora bonds", []string{"cv-sao-vicente-municipal-diaspora-bond"}},
		{"en", i, "diaspora bond", []string{"cv-diaspora-bonds"}},
		// Accents and capitals left out.
		{"pt", o, "cafe", []string{"cv-mosteiros-coffee-processing"}},
		{"fr", o, "ecolodge", []string{"cv-ribeira-brava-eco-lodge"}},
		{"pt", o, "desportos nauticos", []string{"cv-santa-maria-water-sports"}},
		{"pt", i, "CREDITO FISCAL", []string{"cv-investment-tax-credit-priority", "cv-investment-tax-credit-general"}},
		{"fr", p, "senegalais", []string{"sn-faise-fse"}},
		{"fr", o, "reparation navale", []string{"cv-mindelo-ship-repair-supplies"}},
		// Misspelt words.
		{"en", o, "hospitalty", []string{"cv-sal-hospitality-training-school"}},
		{"en", o, "horticulure", []string{"cv-santa-catarina-drip-horticulture"}},
		{"fr", o, "logicel", []string{"cv-mindelo-software-studio"}},
		{"en", i, "dividnd exemption", []string{"cv-emigrant-investor-dividend-exemption"}},
	} {
		f := searchFilter(c.q)
		f.Langs, f.Limit = []string{c.lang}, 3
		items, _, _ := listPage(t, s, c.kind, f)
		var top []string
		for _, it := range items {
			top = append(top, it.Slug)
		}
		for _, slug := range c.want {
			found := false
			for _, got := range top {
				found = found || got == slug
			}
			if !found {
				t.Errorf("%s %s %q: top 3 %v, want %s among them", c.lang, c.kind, c.q, top, slug)
			}
		}
	}
}
