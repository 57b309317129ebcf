package web

// The administrators' exchange rates: the rate in use of every currency with its source and
// date, and a form that records a new one (app/catalogue's PutRate, as PUT /v1/rates/{currency}).

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/domain"
)

func (s *Site) rates(c *fiber.Ctx) error {
	return s.renderRates(c, s.consolePage(c, "web.console.rates.title"), map[string]string{"Currency": c.Query("currency")})
}

func (s *Site) renderRates(c *fiber.Ctx, p *page, form map[string]string) error {
	if !consoleOf(c).Admin {
		return s.consoleError(c, domain.ErrRatesAdminOnly)
	}
	list, err := s.deps.Console.catalogue.ExchangeRates(c.UserContext())
	if err != nil {
		return s.fail(c, err)
	}
	return s.renderConsole(c, "rates", p, map[string]any{"Rates": list, "Form": form})
}

func (s *Site) putRate(c *fiber.Ctx) error {
	form := map[string]string{"Currency": c.FormValue("currency"), "PerEUR": c.FormValue("per_eur"), "AsOf": c.FormValue("as_of"), "Source": c.FormValue("source")}
	_, err := s.deps.Console.catalogue.PutRate(c.UserContext(), currentUser(c), form["Currency"],
		catalogue.RateInput{PerEUR: form["PerEUR"], AsOf: form["AsOf"], Source: form["Source"]})
	if err == nil {
		return back(c, "/admin/rates", "rate")
	}
	p := s.consolePage(c, "web.console.rates.title")
	var named domain.NotFound
	switch {
	case s.invalidFields(p, err):
	case errors.As(err, &named):
		p.Errors = append(p.Errors, fieldMessage{"currency", s.texts.msg(p.Lang, "validation.invalid_currency", map[string]any{"Value": domain.Truncate(form["Currency"])})})
	default:
		return s.consoleError(c, err)
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.renderRates(c, p, form)
}
