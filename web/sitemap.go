package web

import (
	"bytes"
	"encoding/xml"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// sitemap lists every public page in every language, each with its alternates (hreflang), for
// search engines: the home pages, the eligibility check, each country with its three lists, and
// each published item.
func (s *Site) sitemap(c *fiber.Ctx) error {
	ctx := c.UserContext()
	countries, err := s.deps.Catalogue.Countries(ctx, []string{s.opts.DefaultLang})
	if err != nil {
		return s.fail(c, err)
	}
	paths := []string{"/", "/eligibility"}
	for _, ct := range countries {
		base := "/countries/" + ct.Code
		paths = append(paths, base, base+"/opportunities", base+"/incentives", base+"/programmes")
	}
	langs := []string{s.opts.DefaultLang}
	f := domain.ListFilter{Langs: langs, Limit: domain.MaxLimit, Currency: "EUR"}
	for {
		page, err := s.deps.Catalogue.Opportunities(ctx, f)
		if err != nil {
			return s.fail(c, err)
		}
		for _, o := range page.Items {
			paths = append(paths, "/opportunities/"+slugOr(o.Slug, o.ID))
		}
		if page.Next == nil {
			break
		}
		f.After = page.Next
	}
	f.After = nil
	for {
		page, err := s.deps.Catalogue.Incentives(ctx, f)
		if err != nil {
			return s.fail(c, err)
		}
		for _, o := range page.Items {
			paths = append(paths, "/incentives/"+slugOr(o.Slug, o.ID))
		}
		if page.Next == nil {
			break
		}
		f.After = page.Next
	}
	f.After = nil
	for {
		page, err := s.deps.Catalogue.Programmes(ctx, f)
		if err != nil {
			return s.fail(c, err)
		}
		for _, o := range page.Items {
			paths = append(paths, "/programmes/"+slugOr(o.Slug, o.ID))
		}
		if page.Next == nil {
			break
		}
		f.After = page.Next
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	for _, p := range paths {
		for _, lang := range s.texts.codes {
			b.WriteString("<url><loc>")
			xml.EscapeText(&b, []byte(s.absolute("/"+lang+p)))
			b.WriteString("</loc>")
			for _, alt := range s.texts.codes {
				b.WriteString(`<xhtml:link rel="alternate" hreflang="` + alt + `" href="`)
				xml.EscapeText(&b, []byte(s.absolute("/"+alt+p)))
				b.WriteString(`"/>`)
			}
			b.WriteString("</url>\n")
		}
	}
	b.WriteString("</urlset>\n")
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b.Bytes())
}
