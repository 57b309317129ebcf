package api

import (
	"encoding/xml"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/integrations"
	"github.com/diaspora-investor/marketplace/domain"
)

type changeJSON struct {
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Country   string    `json:"country"`
	Change    string    `json:"change"`
	ChangedAt time.Time `json:"changed_at"`
	Href      string    `json:"href"`
}

type changesJSON struct {
	Items        []changeJSON `json:"items"`
	NextCursor   *string      `json:"next_cursor"`
	ResumeCursor string       `json:"resume_cursor"`
}

var changeHref = map[string]string{"opportunity": "/v1/opportunities/", "incentive": "/v1/incentives/", "programme": "/v1/programmes/"}

// listChanges is the change log of published content, oldest first: what became public, what
// changed while public, and what stopped being public (tombstones). A client keeps
// resume_cursor and asks again later for what happened since.
func (s *server) listChanges(c *fiber.Ctx) error {
	q := &queryParams{c: c}
	limit := q.limit()
	page, err := s.integrations.Changes(c.UserContext(), integrations.ChangesQuery{Cursor: q.one("cursor"), Country: q.one("country"), Limit: limit})
	if err := queryProblem(byParams(nil), q.fields, err); err != nil {
		return err
	}
	body := changesJSON{Items: make([]changeJSON, len(page.Items)), ResumeCursor: page.Resume}
	for i, ch := range page.Items {
		body.Items[i] = changeJSON{Kind: ch.Kind, ID: ch.ItemID, Slug: ch.Slug, Country: ch.Country,
			Change: ch.Change, ChangedAt: ch.ChangedAt.UTC(), Href: changeHref[ch.Kind] + ch.ItemID}
	}
	if page.More {
		body.NextCursor = &body.ResumeCursor
		c.Set(fiber.HeaderLink, "<"+s.nextURL(c, body.ResumeCursor)+`>; rel="next"`)
	}
	s.publicRead(c, s.newView(requestPrefs(c)))
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, body)
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr"`
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Summary    string         `xml:"summary"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Author     atomPerson     `xml:"author"`
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

// opportunityFeed is the Atom feed of a country's newest published opportunities, in the
// language asked (each entry says which language its text is in).
func (s *server) opportunityFeed(c *fiber.Ctx) error {
	code, err := s.pathCountry(c)
	if err != nil {
		return err
	}
	prefs := requestPrefs(c)
	f, err := s.integrations.OpportunityFeed(c.UserContext(), code, prefs, s.searchLangs)
	if err != nil {
		return err
	}
	v := s.newView(prefs)
	v.uses(f.Country.Lang)
	feed := s.atomHead(c, f.Country, code, s.langs.Interface(prefs))
	var newest time.Time
	for _, o := range f.Items {
		v.uses(o.Lang)
		newest = latest(newest, o.UpdatedAt)
		feed.Entries = append(feed.Entries, s.atomEntry(v, &o, feed.Lang))
	}
	if !newest.IsZero() {
		feed.Updated = newest.UTC().Format(time.RFC3339)
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	s.publicRead(c, v)
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// atomHead is a feed of a country in lang, without entries. Its links are made from
// PUBLIC_URL only (relative without it): the feed is shared by every reader.
func (s *server) atomHead(c *fiber.Ctx, country domain.Country, code, lang string) atomFeed {
	base := s.cfg.PublicURL
	return atomFeed{Lang: lang, ID: "urn:diaspora-marketplace:opportunities:" + code + ":" + lang,
		Title:    s.langs.Message(lang, "feed.opportunities.title", map[string]any{"Country": country.Name}),
		Subtitle: s.langs.Message(lang, "feed.opportunities.subtitle", nil),
		Updated:  time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + c.Path() + "?lang=" + lang},
			{Rel: "alternate", Type: "application/json", Href: base + "/v1/countries/" + code + "/opportunities?lang=" + lang}},
		Author: atomPerson{Name: country.Name}}
}

// atomEntry is an opportunity in a feed in lang.
func (s *server) atomEntry(v *view, o *domain.Opportunity, lang string) atomEntry {
	title := o.Title
	if o.Illustrative {
		// Feed readers show titles only: the example is said there, in the feed's language.
		title = s.langs.Message(lang, "example.title_prefix", nil) + " " + title
	}
	e := atomEntry{Lang: o.Lang, ID: "urn:uuid:" + o.ID, Title: title, Summary: o.Summary,
		Published: o.PublishedAt.UTC().Format(time.RFC3339), Updated: o.UpdatedAt.UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "alternate", Type: "application/json", HrefLang: o.Lang,
			Href: s.cfg.PublicURL + "/v1/opportunities/" + o.ID + "?lang=" + lang}},
		Author: atomPerson{Name: o.Organization.Name}}
	for _, sec := range v.labels(domain.Sectors, o.Sectors) {
		e.Categories = append(e.Categories, atomCategory{Term: sec.Code, Label: sec.Label})
	}
	return e
}
