package locales

import (
	"reflect"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// testWords writes each word so that a test sees which of them made it.
type testWords struct{}

func (testWords) Label(set domain.CodeSet, code string) string { return set.Name + ":" + code }
func (testWords) CountryName(code string) string               { return "country:" + code }
func (testWords) Money(amount, currency string) string         { return amount + " " + currency }
func (testWords) Date(t *time.Time) string                     { return t.Format("2006/01/02") }

func TestExplainCheck(t *testing.T) {
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	eur := &domain.Money{Amount: "50000.00", Currency: "EUR"}
	usd := &domain.Money{Amount: "40000.00", Currency: "USD"}
	regions := map[string]string{"CV-PR": "Praia"}
	for _, c := range []struct {
		check domain.Check
		id    string
		data  map[string]any
	}{
		{domain.Check{Criterion: "investor_type", Outcome: domain.Failed, Allowed: []string{"diaspora", "national"}, Value: "foreign"},
			"criterion.investor_type.failed",
			map[string]any{"Allowed": "investor_type:diaspora, investor_type:national", "Value": "investor_type:foreign"}},
		{domain.Check{Criterion: "residence_abroad", Outcome: domain.Held, Value: "FR"},
			"criterion.residence_abroad.held", map[string]any{"Country": "country:FR"}},
		{domain.Check{Criterion: "sector", Outcome: domain.Held, Allowed: []string{"tourism"}, Value: "tourism"},
			"criterion.sector.held", map[string]any{"Allowed": "sector:tourism", "Value": "sector:tourism"}},
		{domain.Check{Criterion: "region", Outcome: domain.Failed, Regions: []domain.RegionRef{{Code: "CV-S", Name: "Sal"}, {Code: "CV-BV", Name: "Boa Vista"}}, Value: "CV-PR"},
			"criterion.region.failed", map[string]any{"Allowed": "Sal, Boa Vista", "Value": "Praia"}},
		{domain.Check{Criterion: "region", Outcome: domain.Failed, Value: "CV-XX"},
			"criterion.region.failed", map[string]any{"Allowed": "", "Value": "CV-XX"}},
		{domain.Check{Criterion: "min_investment", Outcome: domain.Failed, Limit: eur, Amount: usd, InLimit: "36000.00"},
			"criterion.min_investment.failed", map[string]any{"Limit": "50000.00 EUR", "Amount": "40000.00 USD (36000.00 EUR)"}},
		{domain.Check{Criterion: "max_investment", Outcome: domain.Held, Limit: eur, Amount: eur, InLimit: "50000.00"},
			"criterion.max_investment.held", map[string]any{"Limit": "50000.00 EUR", "Amount": "50000.00 EUR"}},
		{domain.Check{Criterion: "min_investment", Outcome: domain.Undetermined, Missing: "exchange_rate", Limit: eur, Amount: usd},
			"criterion.no_rate", map[string]any{"Limit": "50000.00 EUR"}},
		{domain.Check{Criterion: "min_jobs", Outcome: domain.Held, MinJobs: 5, Jobs: 8},
			"criterion.min_jobs.held", map[string]any{"Min": 5, "Jobs": 8}},
		{domain.Check{Criterion: "valid_until", Outcome: domain.Held, Date: &day},
			"criterion.valid_until.held", map[string]any{"Date": "2026/12/03"}},
	} {
		id, data := ExplainCheck(c.check, regions, testWords{})
		if id != c.id || !reflect.DeepEqual(data, c.data) {
			t.Errorf("%s: got %s %v, want %s %v", c.check.Criterion, id, data, c.id, c.data)
		}
	}
}
