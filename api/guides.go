package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// Guides, "the steps to invest": thin adapters over app/guides.

type guideJSON struct {
	contentJSON
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	MachineMade bool   `json:"machine_made"`
	StepCount   int    `json:"step_count"`
	publishedJSON
	Sources []sourceRefJSON `json:"sources"`
}

type guideStepJSON struct {
	Position  int             `json:"position"`
	Lang      string          `json:"lang"`
	Title     string          `json:"title"`
	Body      string          `json:"body"`
	Office    *string         `json:"office"`
	Documents *string         `json:"documents"`
	Cost      *string         `json:"cost"`
	Duration  *string         `json:"duration"`
	Sources   []sourceRefJSON `json:"sources"`
}

// guideRefJSON names a guide, an incentive or a programme where another resource links to it.
type guideRefJSON struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
}

type guideDetailJSON struct {
	guideJSON
	Audience   string          `json:"audience"`
	Caveats    string          `json:"caveats"`
	Steps      []guideStepJSON `json:"steps"`
	Incentives []guideRefJSON  `json:"incentives"`
	Programmes []guideRefJSON  `json:"programmes"`
}

func (v *view) guide(g domain.Guide) guideJSON {
	return guideJSON{
		contentJSON: v.contentHead(g.ID, g.Slug, g.Country, g.Localized),
		Title:       g.Title, Summary: g.Summary, MachineMade: g.MachineMade, StepCount: g.StepCount,
		publishedJSON: published(g.Org, g.PublishedAt, g.UpdatedAt, g.AsOf), Sources: sourceRefs(g.Sources),
	}
}

func (v *view) guideDetail(g *domain.GuideDetail) guideDetailJSON {
	out := guideDetailJSON{guideJSON: v.guide(g.Guide), Audience: g.Audience, Caveats: g.Caveats,
		Steps: make([]guideStepJSON, len(g.Steps)), Incentives: v.itemRefs(g.Incentives), Programmes: v.itemRefs(g.Programmes)}
	for i, st := range g.Steps {
		v.uses(st.Lang)
		out.Steps[i] = guideStepJSON{Position: st.Position, Lang: st.Lang, Title: st.Title, Body: st.Body,
			Office: st.Office, Documents: st.Documents, Cost: st.Cost, Duration: st.Duration, Sources: sourceRefs(st.Sources)}
	}
	return out
}

func (v *view) itemRefs(refs []domain.ItemRef) []guideRefJSON {
	out := make([]guideRefJSON, len(refs))
	for i, r := range refs {
		v.uses(r.Lang)
		out[i] = guideRefJSON{ID: r.ID, Slug: r.Slug, Title: r.Title, Lang: r.Lang}
	}
	return out
}

// listCountryGuides is GET /v1/countries/{code}/guides: a country's guides in its reading
// order, or by relevance with q. Not paginated: a country has a few dozen at most.
func (s *server) listCountryGuides(c *fiber.Ctx) error {
	code, err := s.pathCountry(c)
	if err != nil {
		return err
	}
	q := &queryParams{c: c}
	f := domain.GuideFilter{Country: code, Langs: requestPrefs(c), SearchLangs: s.searchLangs}
	var search domain.Invalid
	f.Query = search.SearchText("q", q.one("q")) // the same rule as the content lists' search
	q.refused(&search)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	list, err := s.guides.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	v := s.newView(f.Langs)
	return sendList(s, c, v, mapped(list, v.guide), nil, nil)
}

// getGuide is GET /v1/guides/{id}: one guide, by id or slug, with its steps.
func (s *server) getGuide(c *fiber.Ctx) error {
	g, err := s.guides.Get(c.UserContext(), c.Params("id"), requestPrefs(c))
	if err != nil {
		return writeError(err, "guide")
	}
	v := s.newView(requestPrefs(c))
	body := v.guideDetail(g)
	s.publicRead(c, v)
	return s.sendJSON(c, body)
}

// linkedGuides adds to an incentive's or programme's public detail the guides that explain it.
func (s *server) linkedGuides(c *fiber.Ctx, v *view, kind domain.Kind, itemID string) (*[]guideRefJSON, error) {
	refs, err := s.guides.Of(c.UserContext(), kind, itemID, requestPrefs(c))
	if err != nil {
		return nil, err
	}
	out := v.itemRefs(refs)
	return &out, nil
}

func incentiveGuides(s *server, c *fiber.Ctx, v *view, it *domain.Incentive, d incentiveDetailJSON) (incentiveDetailJSON, error) {
	g, err := s.linkedGuides(c, v, domain.KindIncentive, it.ID)
	d.Guides = g
	return d, err
}

func programmeGuides(s *server, c *fiber.Ctx, v *view, p *domain.Programme, d programmeDetailJSON) (programmeDetailJSON, error) {
	g, err := s.linkedGuides(c, v, domain.KindProgramme, p.ID)
	d.Guides = g
	return d, err
}
