package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/diaspora-investor/marketplace/client"
)

// eligibility asks which of Cabo Verde's incentives and programmes apply to the investor's
// situation — a diaspora investor living in France who plans a 50,000 EUR tourism project on
// Sal — and prints those that apply, those that do not (with the condition that failed) and
// those the situation does not say enough about.
func (t *tour) eligibility(ctx context.Context) error {
	lang := client.Lang("fr")
	investor, sector := client.InvestorTypeCode("diaspora"), client.SectorCode("tourism")
	residence, region := "FR", "sal"
	body := client.EligibilityInput{Country: "CV", InvestorType: &investor, ResidenceCountry: &residence,
		Sector: &sector, Region: &region, Amount: &client.MoneyInput{Amount: "50000.00", Currency: "EUR"}}
	r, err := t.api.CheckEligibilityWithResponse(ctx, &client.CheckEligibilityParams{Lang: &lang}, body)
	if err != nil {
		return err
	}
	if r.JSON200 == nil {
		return unexpected(r, r.Body)
	}
	res := r.JSON200
	fmt.Fprintf(t.out, "eligible: %d, not eligible: %d, undetermined: %d\n", len(res.Eligible), len(res.NotEligible), len(res.Undetermined))
	for _, it := range res.Eligible {
		fmt.Fprintf(t.out, "  oui   [%s] %s\n", it.Kind, it.Name)
	}
	for _, it := range res.NotEligible {
		why := ""
		if failed := criteria(it.Failed); len(failed) > 0 {
			why = " — " + failed[0].Detail
		}
		fmt.Fprintf(t.out, "  non   [%s] %s%s\n", it.Kind, it.Name, why)
	}
	for _, it := range res.Undetermined {
		fmt.Fprintf(t.out, "  ?     [%s] %s\n", it.Kind, it.Name)
	}
	if len(res.Eligible)+len(res.NotEligible)+len(res.Undetermined) == 0 {
		return fmt.Errorf("Cabo Verde has no published incentive or programme to assess")
	}
	return nil
}

// criteria reads a list of criteria that the generated client leaves untyped (its schema narrows
// a shared one with allOf).
func criteria(v any) []client.CriterionResult {
	var out []client.CriterionResult
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &out)
	}
	return out
}
