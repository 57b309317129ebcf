package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// Stored values as the forms show them (the profile, the editor's neutral fields), and the
// lists a form sends.

// regionCodes are the codes of regions, for a form's region choices.
func regionCodes(regions []domain.RegionRef) []string {
	var codes []string
	for _, r := range regions {
		codes = append(codes, r.Code)
	}
	return codes
}

// amountRange is a minimum and a maximum as a form shows them: two amounts and one currency,
// the maximum's when both are set, else the minimum's, else currency.
func amountRange(minimum, maximum *domain.Money, currency string) (minAmount, maxAmount, cur string) {
	cur = currency
	if minimum != nil {
		minAmount, cur = minimum.Amount, minimum.Currency
	}
	if maximum != nil {
		maxAmount, cur = maximum.Amount, maximum.Currency
	}
	return minAmount, maxAmount, cur
}

// formList is every value a posted form sends under name (its ticked boxes), in order; nil
// for none.
func formList(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// optPtr is a form's text as an optional value: nil when empty.
func optPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
