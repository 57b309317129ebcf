package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// Contacts: a thin adapter over app/contacts.

type contactPointJSON struct {
	Organization orgRefJSON      `json:"organization"`
	Label        string          `json:"label"`
	Address      *string         `json:"address"`
	Email        *string         `json:"email"`
	Phone        *string         `json:"phone"`
	URL          *string         `json:"url"`
	Hours        *string         `json:"hours"`
	Note         *string         `json:"note"`
	Sources      []sourceRefJSON `json:"sources"`
	AsOf         string          `json:"as_of"`
}

func (v *view) contactPoint(c domain.ContactPoint) contactPointJSON {
	out := contactPointJSON{Organization: orgRef(c.Org), Address: c.Address, Email: c.Email, Phone: c.Phone,
		URL: c.URL, Hours: c.Hours, Sources: sourceRefs(c.Sources), AsOf: c.AsOf.Format("2006-01-02")}
	if l := v.text(c.Label); l != nil {
		out.Label = *l
	}
	out.Note = v.text(c.Note)
	return out
}

// listCountryContacts is GET /v1/countries/{code}/contacts.
func (s *server) listCountryContacts(c *fiber.Ctx) error {
	code, err := s.pathCountry(c)
	if err != nil {
		return err
	}
	list, err := s.contacts.Country(c.UserContext(), code)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	return sendList(s, c, v, mapped(list, v.contactPoint), nil, nil)
}
