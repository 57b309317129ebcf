package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// The site map follows the sitemaps protocol's index form, so that no request walks the
// catalogue: /sitemap.xml lists the parts; /sitemaps/pages.xml holds the home pages, the
// eligibility check and each country with its three lists; /sitemaps/{kind}-{xx}.xml holds the
// published items of one kind whose ids begin with the hex digits xx (app/catalogue.Sitemap).
// Every address is given in every language, each with its alternates (hreflang).

const sitemapNS = `xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"`

// sitemapIndex lists the parts that are not empty.
func (s *Site) sitemapIndex(c *fiber.Ctx) error {
	parts, err := s.deps.Sitemap.Parts(c.UserContext())
	if err != nil {
		return s.fail(c, err)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header + `<sitemapindex ` + sitemapNS + ">\n")
	writeLoc := func(path string) {
		b.WriteString("<sitemap><loc>")
		xml.EscapeText(&b, []byte(s.absolute(path)))
		b.WriteString("</loc></sitemap>\n")
	}
	writeLoc("/sitemaps/pages.xml")
	for _, p := range parts {
		writeLoc("/sitemaps/" + string(p.Kind) + "-" + p.Prefix + ".xml")
	}
	b.WriteString("</sitemapindex>\n")
	return s.sendSitemap(c, b.Bytes())
}

// sitemapPart answers one part: the site's own pages, or one kind's items by id prefix.
func (s *Site) sitemapPart(c *fiber.Ctx) error {
	name, ok := strings.CutSuffix(c.Params("name"), ".xml")
	if !ok {
		return c.SendStatus(fiber.StatusNotFound)
	}
	var paths []string
	if name == "pages" {
		countries, err := s.deps.Catalogue.Countries(c.UserContext(), []string{s.opts.DefaultLang})
		if err != nil {
			return s.fail(c, err)
		}
		paths = []string{"/", "/eligibility"}
		for _, ct := range countries {
			base := "/countries/" + ct.Code
			paths = append(paths, base, base+"/opportunities", base+"/incentives", base+"/programmes")
		}
	} else {
		i := strings.LastIndexByte(name, '-')
		if i < 0 {
			return c.SendStatus(fiber.StatusNotFound)
		}
		kind := name[:i]
		slugs, err := s.deps.Sitemap.Part(c.UserContext(), kind, name[i+1:])
		if errors.Is(err, domain.ErrNotFound) {
			return c.SendStatus(fiber.StatusNotFound)
		} else if err != nil {
			return s.fail(c, err)
		}
		for _, slug := range slugs {
			paths = append(paths, "/"+kind+"/"+slug)
		}
	}
	return s.sendSitemap(c, s.urlset(paths))
}

// urlset writes each path in every language, with its alternates.
func (s *Site) urlset(paths []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<urlset ` + sitemapNS + ` xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
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
	return b.Bytes()
}

// sendSitemap answers a site map: the same for everyone (PUBLIC_URL is configuration, never the
// request's Host), so shared caches may keep it for an hour.
func (s *Site) sendSitemap(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(body)
}
