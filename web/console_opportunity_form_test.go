package web

import (
	"errors"
	"reflect"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// The opportunity form's change: what an empty field clears, what is trimmed, and the count
// the form itself refuses.
func TestOpportunityFormChange(t *testing.T) {
	cleared := domain.Cleared[string]()
	in, err := opportunityForm{Currency: "EUR"}.change()
	if err != nil {
		t.Fatalf("an empty form: %v", err)
	}
	if in.Region != cleared || in.Instrument != cleared || in.Deadline != cleared || in.Jobs != domain.Cleared[int]() ||
		in.MinInvestment != domain.Cleared[domain.Money]() || in.MaxInvestment != domain.Cleared[domain.Money]() ||
		!in.Source.Null || !in.Sectors.Set || in.Sectors.Value != nil || !reflect.DeepEqual(in.Contact, domain.Some(domain.Contact{})) {
		t.Errorf("an empty form clears every field: %+v", in)
	}

	name := "Ana"
	in, err = opportunityForm{Sectors: []string{"tourism"}, Region: " sal ", Min: " 1000 ", Currency: "CVE", Jobs: " 12 ",
		ContactName: " Ana ", SourceURL: " https://example.cv "}.change()
	if err != nil {
		t.Fatalf("a full form: %v", err)
	}
	want := domain.ContentChange{Sectors: domain.Some([]string{"tourism"}), InvestorTypes: domain.Some([]string(nil)),
		Region: domain.Some("sal"), Instrument: cleared, Deadline: cleared,
		MinInvestment: domain.Some(domain.Money{Amount: "1000", Currency: "CVE"}), MaxInvestment: domain.Cleared[domain.Money](),
		Jobs: domain.Some(12), Contact: domain.Some(domain.Contact{Name: &name}),
		Source: domain.Some(domain.SourceLink{URL: "https://example.cv"})}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got  %+v\nwant %+v", in, want)
	}

	in, err = opportunityForm{Jobs: "many"}.change()
	var bad *domain.Invalid
	if !errors.As(err, &bad) || len(bad.Fields) != 1 || bad.Fields[0].Name != "jobs" || bad.Fields[0].Code != "invalid_count" {
		t.Errorf("a count that is no number: %v", err)
	}
	if in.Jobs.Set {
		t.Errorf("a count that is no number is not sent: %+v", in.Jobs)
	}
}
