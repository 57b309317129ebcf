package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
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
	rates, err := s.catalogue.ExchangeRates(c.UserContext())
	if err != nil {
		return err
	}
	return sendList(s, c, s.newView(requestPrefs(c)), mapped(rates, rateOf), nil, nil)
}

// putExchangeRate records a currency's rate on a date (administrators only).
func (s *server) putExchangeRate(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	code, err := s.catalogue.RateCurrency(user, c.Params("currency"))
	if err != nil {
		return writeError(err, "currency")
	}
	var in struct {
		PerEUR string `json:"per_eur"`
		AsOf   string `json:"as_of"`
		Source string `json:"source"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	current, err := s.catalogue.PutRate(c.UserContext(), user, code, catalogue.RateInput(in))
	if err != nil {
		return writeError(err, "currency")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, rateOf(current))
}
