package locales

import (
	"strings"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// Words are the words of one language that an explanation of a check needs. The API and the
// site each supply theirs: they write amounts and dates their own way.
type Words interface {
	Label(set domain.CodeSet, code string) string // a code's label ("Diaspora investor")
	CountryName(code string) string               // a country of the world ("France")
	Money(amount, currency string) string         // an amount with its currency
	Date(t *time.Time) string
}

// ExplainCheck puts an eligibility check into words: the id of its message
// (criterion.<code>.<outcome>, or criterion.no_rate when an amount could not be compared) and
// the message's data. regions names the situation's region codes.
func ExplainCheck(ch domain.Check, regions map[string]string, w Words) (id string, data map[string]any) {
	data = map[string]any{}
	labels := func(set domain.CodeSet, codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = w.Label(set, c)
		}
		return strings.Join(out, ", ")
	}
	switch ch.Criterion {
	case "investor_type":
		data["Allowed"] = labels(domain.InvestorTypes, ch.Allowed)
		data["Value"] = w.Label(domain.InvestorTypes, ch.Value)
	case "residence_abroad", "residence_in_country":
		data["Country"] = w.CountryName(ch.Value)
	case "sector":
		data["Allowed"] = labels(domain.Sectors, ch.Allowed)
		data["Value"] = w.Label(domain.Sectors, ch.Value)
	case "region":
		names := make([]string, len(ch.Regions))
		for i, r := range ch.Regions {
			names[i] = r.Name
		}
		data["Allowed"] = strings.Join(names, ", ")
		data["Value"] = ch.Value
		if name, ok := regions[ch.Value]; ok {
			data["Value"] = name
		}
	case "min_investment", "max_investment":
		limit := w.Money(ch.Limit.Amount, ch.Limit.Currency)
		if ch.Missing == "exchange_rate" {
			return "criterion.no_rate", map[string]any{"Limit": limit}
		}
		data["Limit"] = limit
		if ch.Amount != nil {
			amount := w.Money(ch.Amount.Amount, ch.Amount.Currency)
			if ch.InLimit != "" && ch.Amount.Currency != ch.Limit.Currency {
				amount += " (" + w.Money(ch.InLimit, ch.Limit.Currency) + ")"
			}
			data["Amount"] = amount
		}
	case "min_jobs":
		data["Min"], data["Jobs"] = ch.MinJobs, ch.Jobs
	case "valid_from", "valid_until":
		data["Date"] = w.Date(ch.Date)
	}
	return "criterion." + ch.Criterion + "." + string(ch.Outcome), data
}
