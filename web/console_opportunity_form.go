package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// opportunityForm is an opportunity's language-neutral fields as the editor's form shows and
// sends them (validityForm is an incentive's or programme's).
type opportunityForm struct {
	Sectors, InvestorTypes                              []string
	Region, Instrument                                  string
	Min, Max, Currency                                  string
	Jobs, Deadline                                      string
	ContactName, ContactEmail, ContactPhone, ContactURL string
	SourceTitle, SourceURL                              string
}

// opportunityFormOf is the form of an opportunity as stored.
func opportunityFormOf(o *domain.Opportunity) opportunityForm {
	f := opportunityForm{Sectors: o.Sectors, InvestorTypes: o.InvestorTypes, Instrument: derefString(o.Instrument),
		ContactName: derefString(o.Contact.Name), ContactEmail: derefString(o.Contact.Email),
		ContactPhone: derefString(o.Contact.Phone), ContactURL: derefString(o.Contact.URL)}
	if o.Region != nil {
		f.Region = o.Region.Code
	}
	f.Min, f.Max, f.Currency = amountRange(o.MinInvestment, o.MaxInvestment, defaultCurrency)
	if o.Jobs != nil {
		f.Jobs = strconv.Itoa(*o.Jobs)
	}
	if o.Deadline != nil {
		f.Deadline = o.Deadline.Format(time.DateOnly)
	}
	if o.Source != nil {
		f.SourceTitle, f.SourceURL = o.Source.Title, o.Source.URL
	}
	return f
}

// readOpportunityForm reads the form as sent (shown again as sent when a save is refused).
func readOpportunityForm(c *fiber.Ctx) opportunityForm {
	v := c.FormValue
	return opportunityForm{Sectors: formList(c, "sectors"), InvestorTypes: formList(c, "investor_types"),
		Region: v("region"), Instrument: v("instrument"), Min: v("min_investment"), Max: v("max_investment"),
		Currency: v("currency"), Jobs: v("jobs"), Deadline: v("deadline"),
		ContactName: v("contact_name"), ContactEmail: v("contact_email"), ContactPhone: v("contact_phone"),
		ContactURL: v("contact_url"), SourceTitle: v("source_title"), SourceURL: v("source_url")}
}

// change is the form as the use case takes it: an empty field clears its value (the contact
// part by part, the source when both its parts are empty), and a count that is no number is a
// broken rule of its own, beside the use case's checks.
func (f opportunityForm) change() (domain.ContentChange, error) {
	var bad domain.Invalid
	trim := strings.TrimSpace
	in := domain.ContentChange{Sectors: domain.Some(f.Sectors), InvestorTypes: domain.Some(f.InvestorTypes),
		Region: optText(trim(f.Region)), Instrument: optText(trim(f.Instrument)), Deadline: optText(trim(f.Deadline)),
		MinInvestment: optMoney(trim(f.Min), f.Currency), MaxInvestment: optMoney(trim(f.Max), f.Currency),
		Contact: domain.Some(domain.Contact{Name: optPtr(trim(f.ContactName)), Email: optPtr(trim(f.ContactEmail)),
			Phone: optPtr(trim(f.ContactPhone)), URL: optPtr(trim(f.ContactURL))})}
	jobs := trim(f.Jobs)
	switch n, err := strconv.Atoi(jobs); {
	case jobs == "":
		in.Jobs = domain.Cleared[int]()
	case err == nil:
		in.Jobs = domain.Some(n)
	default: // left unset: the use case checks the rest
		bad.Add("jobs", "invalid_count", nil)
	}
	if title, link := trim(f.SourceTitle), trim(f.SourceURL); title == "" && link == "" {
		in.Source = domain.Cleared[domain.SourceLink]()
	} else {
		in.Source = domain.Some(domain.SourceLink{Title: title, URL: link})
	}
	return in, bad.Err()
}
