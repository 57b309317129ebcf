package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// reviewedHandler: POST /v1/{kind}/{id}/translations/{lang}/reviewed marks a stale translation
// reviewed without changing its text (no body), and answers the editors' view with the new
// version.
func (r contentRoutes[T, J, D]) reviewedHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, lang, it, err := r.translationTarget(s, c)
		if err != nil {
			return err
		}
		if len(strings.TrimSpace(string(c.Body()))) > 0 {
			if err := decodeBody(c, &struct{}{}); err != nil {
				return err
			}
		}
		if _, err := s.editorial.MarkReviewed(c.UserContext(), actor, r.kind, it.ID, ifMatch(c), lang); err != nil {
			return writeError(err, r.resource)
		}
		return r.editorView(s, c, it.ID, fiber.StatusOK, []string{lang})
	}
}
