package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/currency"

	"github.com/diaspora-investor/marketplace/domain"
)

// Exchange rates: the public list of the rates in use, and the administrators' updates.

type rateJSON struct {
	Currency string `json:"currency"`
	PerEUR   string `json:"per_eur"`
	AsOf     string `json:"as_of"`
	Source   string `json:"source"`
}

func rateOf(r domain.Rate) rateJSON {
	return rateJSON{Currency: r.Currency, PerEUR: r.PerEUR, AsOf: r.AsOf.Format(time.DateOnly), Source: r.Source}
}

func (s *server) listExchangeRates(c *fiber.Ctx) error {
	rates, err := s.store.ExchangeRates(c.UserContext())
	if err != nil {
		return err
	}
	items := make([]rateJSON, len(rates))
	for i, r := range rates {
		items[i] = rateOf(r)
	}
	return sendList(s, c, s.newView(requestPrefs(c)), items, nil, nil)
}

// maxRateSource bounds the source of a rate.
const maxRateSource = 500

// putExchangeRate records a currency's rate on a date (administrators only). A currency of ISO
// 4217 that the catalogue does not list yet is added; the euro is the base and stays 1.
func (s *server) putExchangeRate(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	if user.Role != "admin" {
		return problem(fiber.StatusForbidden, "forbidden", nil)
	}
	var in struct {
		PerEUR string `json:"per_eur"`
		AsOf   string `json:"as_of"`
		Source string `json:"source"`
	}
	code := strings.ToUpper(c.Params("currency"))
	unit, curErr := currency.ParseISO(code)
	if curErr != nil || unit.String() != code || code == "XXX" || code == "XTS" {
		return notFound("currency")
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	rate := domain.Rate{Currency: code, Source: strings.TrimSpace(in.Source)}
	if code == "EUR" {
		v.add("per_eur", "body", "euro_rate_fixed", nil)
	} else if rate.PerEUR, err = domain.ParseRate(in.PerEUR); err != nil {
		v.add("per_eur", "body", "invalid_rate", nil)
	}
	asOf, err := time.Parse(time.DateOnly, in.AsOf)
	switch {
	case err != nil || asOf.Year() < 1900:
		v.add("as_of", "body", "invalid_date", nil)
	case asOf.After(time.Now().UTC().Add(24 * time.Hour)):
		v.add("as_of", "body", "date_in_future", nil)
	}
	rate.AsOf = asOf
	switch n := len([]rune(rate.Source)); {
	case n == 0:
		v.add("source", "body", "required", nil)
	case n > maxRateSource:
		v.add("source", "body", "too_long", map[string]any{"Max": maxRateSource})
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	current, err := s.store.PutRate(c.UserContext(), rate, user.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, rateOf(current))
}
