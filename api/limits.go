package api

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// Limits that openapi.yaml declares on every /v1 request, checked before any handler so that a
// request the document refuses is refused whatever route it is for.
const (
	maxAcceptLanguage = 1000 // characters of Accept-Language
	maxIfMatch        = 200  // characters of If-Match
)

// declaredLimits refuses, with a 400 problem naming the header, an Accept-Language over 1,000
// characters and an If-Match over 200 (empty query values are checkQuery's). A malformed Accept-Language of allowed length is still ignored (browsers and proxies send odd
// ones); a malformed If-Match matches no version (412).
func (s *server) declaredLimits(c *fiber.Ctx) error {
	path := c.Path()
	if len(path) < 4 || path[:4] != "/v1/" {
		return c.Next()
	}
	var v invalid
	if n := utf8.RuneCountInString(c.Get(fiber.HeaderAcceptLanguage)); n > maxAcceptLanguage {
		v.add(fiber.HeaderAcceptLanguage, "header", "too_long", map[string]any{"Max": maxAcceptLanguage})
	}
	if n := utf8.RuneCountInString(c.Get(fiber.HeaderIfMatch)); n > maxIfMatch {
		v.add(fiber.HeaderIfMatch, "header", "too_long", map[string]any{"Max": maxIfMatch})
	}
	if err := v.err("invalid-parameters"); err != nil {
		return err
	}
	return c.Next()
}
