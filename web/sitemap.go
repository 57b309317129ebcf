package web

import (
	"bytes"
	"context"
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
	f := domain.ListFilter{Langs: []string{s.opts.DefaultLang}, Limit: domain.MaxLimit, Currency: "EUR"}
	for _, read := range []func() ([]string, error){
		func() ([]string, error) {
			return itemPaths(ctx, f, s.deps.Catalogue.Opportunities, func(o domain.Opportunity) string { return "/opportunities/" + slugOr(o.Slug, o.ID) })
		},
		func() ([]string, error) {
			return itemPaths(ctx, f, s.deps.Catalogue.Incentives, func(o domain.Incentive) string { return "/incentives/" + slugOr(o.Slug, o.ID) })
		},
		func() ([]string, error) {
			return itemPaths(ctx, f, s.deps.Catalogue.Programmes, func(o domain.Programme) string { return "/programmes/" + slugOr(o.Slug, o.ID) })
		},
	} {
		more, err := read()
		if err != nil {
			return s.fail(c, err)
		}
		paths = append(paths, more...)
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

// itemPaths reads every page of one kind and lists the paths of its items.
func itemPaths[T any](ctx context.Context, f domain.ListFilter, read func(context.Context, domain.ListFilter) (*domain.Page[T], error), path func(T) string) ([]string, error) {
	var paths []string
	for {
		page, err := read(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			paths = append(paths, path(it))
		}
		if page.Next == nil {
			return paths, nil
		}
		f.After = page.Next
	}
}
