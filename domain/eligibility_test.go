package domain

import (
	"testing"
	"time"
)

var testRates = Rates{
	"EUR": {Currency: "EUR", PerEUR: "1", AsOf: day("1999-01-01")},
	"CVE": {Currency: "CVE", PerEUR: "110.265", AsOf: day("1999-01-01")},
	"USD": {Currency: "USD", PerEUR: "1.16", AsOf: day("2026-11-02")},
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

func TestConvert(t *testing.T) {
	cases := []struct {
		in                   Money
		to, amount, rate, on string
	}{
		{Money{"750000.00", "EUR"}, "CVE", "82698750.00", "110.265", "1999-01-01"},
		{Money{"50000000.00", "CVE"}, "USD", "526005.53", "0.01052011", "2026-11-02"},
		{Money{"100.00", "USD"}, "EUR", "86.21", "0.86206897", "2026-11-02"},
		{Money{"0.00", "EUR"}, "EUR", "0.00", "1", "1999-01-01"},
	}
	for _, c := range cases {
		got, ok := testRates.Convert(c.in, c.to)
		if !ok || got.Amount != c.amount || got.Rate != c.rate || got.AsOf.Format(time.DateOnly) != c.on || got.Currency != c.to {
			t.Errorf("Convert(%v, %s) = %+v, %v; want %s at %s on %s", c.in, c.to, got, ok, c.amount, c.rate, c.on)
		}
	}
	if _, ok := testRates.Convert(Money{"1.00", "GBP"}, "EUR"); ok {
		t.Error("converted a currency without a rate")
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]string{"1.16": "1.16", "110.265": "110.265", "0.00000001": "0.00000001", "2": "2", "2.50": "2.5"} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "0.0", "-1", "1e3", "1.123456789", "abc", "1234567890123"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

// boaVista is the situation of issue 5: a diaspora investor living in France with 750,000 EUR
// for a tourism project on Boa Vista.
func boaVista(amount string) Situation {
	return Situation{Country: "CV", InvestorType: "diaspora", ResidenceCountry: "FR", Sectors: []string{"tourism"},
		Regions: []string{"boa_vista"}, AmountLow: &Money{amount, "EUR"}, AmountHigh: &Money{amount, "EUR"},
		Today: day("2026-11-24")}
}

func TestAssess(t *testing.T) {
	cases := []struct {
		name    string
		cand    Candidate
		sit     Situation
		verdict Verdict
		failed  []string
		missing []string
	}{
		{"no conditions", Candidate{}, boaVista("750000.00"), Eligible, nil, nil},
		{"emigrant statute", Candidate{Eligibility: Eligibility{InvestorTypes: []string{"diaspora"}, ResidenceAbroad: ptr(true)}},
			boaVista("750000.00"), Eligible, nil, nil},
		{"living in the country", Candidate{Eligibility: Eligibility{ResidenceAbroad: ptr(true)}},
			func() Situation { s := boaVista("1.00"); s.ResidenceCountry = "CV"; return s }(), NotEligible, []string{"residence_abroad"}, nil},
		{"foreigners only", Candidate{Eligibility: Eligibility{InvestorTypes: []string{"foreign"}}},
			boaVista("750000.00"), NotEligible, []string{"investor_type"}, nil},
		{"minimum in escudos reached", Candidate{Eligibility: Eligibility{MinInvestment: &Money{"80000000.00", "CVE"}}},
			boaVista("750000.00"), Eligible, nil, nil},
		{"minimum in escudos missed by 100 EUR", Candidate{Eligibility: Eligibility{MinInvestment: &Money{"80000000.00", "CVE"}}},
			boaVista("100.00"), NotEligible, []string{"min_investment"}, nil},
		{"maximum", Candidate{Eligibility: Eligibility{MaxInvestment: &Money{"40000000.00", "CVE"}}},
			boaVista("750000.00"), NotEligible, []string{"max_investment"}, nil},
		{"sector and region", Candidate{Eligibility: Eligibility{Sectors: []string{"tourism"}, Regions: []RegionRef{{"boa_vista", "Boa Vista"}}}},
			boaVista("1.00"), Eligible, nil, nil},
		{"other islands", Candidate{Eligibility: Eligibility{Regions: []RegionRef{{"sao_vicente", "São Vicente"}}}},
			boaVista("1.00"), NotEligible, []string{"region"}, nil},
		{"jobs not said", Candidate{Eligibility: Eligibility{MinJobs: ptr(4)}}, boaVista("1.00"), Unknown, nil, []string{"jobs"}},
		{"jobs enough", Candidate{Eligibility: Eligibility{MinJobs: ptr(4)}},
			func() Situation { s := boaVista("1.00"); s.Jobs = ptr(4); return s }(), Eligible, nil, nil},
		{"failed beats undetermined", Candidate{Eligibility: Eligibility{MinJobs: ptr(4), Sectors: []string{"ict"}}},
			boaVista("1.00"), NotEligible, []string{"sector"}, []string{"jobs"}},
		{"nothing said", Candidate{Eligibility: Eligibility{InvestorTypes: []string{"diaspora"}, ResidenceAbroad: ptr(true),
			Sectors: []string{"tourism"}, Regions: []RegionRef{{"sal", "Sal"}}, MinInvestment: &Money{"1.00", "EUR"}}},
			Situation{Country: "CV", Today: day("2026-11-24")}, Unknown, nil,
			[]string{"investor_type", "residence_country", "sector", "region", "amount"}},
		{"not yet in force", Candidate{ValidFrom: ptr(day("2027-01-01"))}, boaVista("1.00"), NotEligible, []string{"valid_from"}, nil},
		{"ended", Candidate{ValidUntil: ptr(day("2026-11-23"))}, boaVista("1.00"), NotEligible, []string{"valid_until"}, nil},
		{"last day", Candidate{ValidUntil: ptr(day("2026-11-24"))}, boaVista("1.00"), Eligible, nil, nil},
		{"ticket range reaches the minimum", Candidate{Eligibility: Eligibility{MinInvestment: &Money{"100000.00", "EUR"}}},
			Situation{Country: "CV", AmountLow: &Money{"20000.00", "EUR"}, AmountHigh: &Money{"150000.00", "EUR"}}, Eligible, nil, nil},
		{"ticket floor over the maximum", Candidate{Eligibility: Eligibility{MaxInvestment: &Money{"100000.00", "USD"}}},
			Situation{Country: "CV", AmountLow: &Money{"90000.00", "EUR"}}, NotEligible, []string{"max_investment"}, nil},
		{"unknown rate", Candidate{Eligibility: Eligibility{MinInvestment: &Money{"1.00", "GBP"}}}, boaVista("1.00"), Unknown, nil, []string{"exchange_rate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := Assess(c.cand, c.sit, testRates)
			if a.Verdict != c.verdict {
				t.Errorf("verdict %s, want %s (%+v)", a.Verdict, c.verdict, a.Checks)
			}
			var failed, missing []string
			for _, ch := range a.Checks {
				switch ch.Outcome {
				case Failed:
					failed = append(failed, ch.Criterion)
				case Undetermined:
					missing = append(missing, ch.Missing)
				}
			}
			if !equal(failed, c.failed) || !equal(missing, c.missing) {
				t.Errorf("failed %v missing %v; want %v and %v", failed, missing, c.failed, c.missing)
			}
		})
	}
}

func TestAssessExplains(t *testing.T) {
	a := Assess(Candidate{Eligibility: Eligibility{MinInvestment: &Money{"80000000.00", "CVE"}}}, boaVista("100.00"), testRates)
	ch := a.Checks[0]
	if ch.Criterion != "min_investment" || ch.InLimit != "11026.50" || ch.Limit.Amount != "80000000.00" || ch.Amount.Amount != "100.00" {
		t.Errorf("check %+v", ch)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
