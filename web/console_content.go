package web

// The console's content list (an organization's opportunities, incentives and programmes,
// newest change first) and the administrators' review queue (oldest submission first), with
// filters by kind, status and language gap, paged with the API's opaque cursors.

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

const contentPageSize = 20

var contentKinds = []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme}

// Status is a workflow status's label.
func (p *page) Status(code string) string { return p.site.texts.label(p.Lang, domain.Statuses, code) }

// Gaps are the language-gap filters: missing in each language, and stale.
func (p *page) Gaps() []string {
	out := make([]string, 0, len(p.site.texts.codes)+1)
	for _, l := range p.site.texts.codes {
		out = append(out, "missing-"+l)
	}
	return append(out, "stale")
}

// GapLabel names a language-gap filter ("Missing in French").
func (p *page) GapLabel(gap string) string {
	if lang, ok := strings.CutPrefix(gap, "missing-"); ok {
		return p.TD("web.console.content.missing_in", "Lang", p.site.texts.msg(p.Lang, "web.console.lang."+lang, nil))
	}
	return p.T("web.console.content.stale")
}

// readContentQuery reads the list's filters; unknown values are ignored (the forms offer only
// known ones). ok is false for a cursor of another list.
func (s *Site) readContentQuery(c *fiber.Ctx, review bool, scope string) (contentQuery, string, bool) {
	q := contentQuery{Review: review, Limit: contentPageSize, Langs: []string{pageLang(c)}}
	kind := c.Query("kind")
	for _, k := range contentKinds {
		if string(k) == kind {
			q.Kinds = []domain.Kind{k}
		}
	}
	if !review && domain.Statuses.Has(c.Query("status")) {
		q.Status = c.Query("status")
	}
	if gap := c.Query("gap"); gap == "stale" || (strings.HasPrefix(gap, "missing-") && s.texts.supported(gap[8:])) {
		q.Gap = gap
	}
	fingerprint := domain.ListFingerprint("console-content", scope, string(kind), q.Status, q.Gap, boolString(review))
	if raw := c.Query("cursor"); raw != "" {
		cur, err := domain.DecodeCursor(raw, fingerprint)
		if err != nil {
			return q, "", false
		}
		q.After = cur
	}
	return q, kindString(q.Kinds), true
}

func kindString(k []domain.Kind) string {
	if len(k) == 1 {
		return string(k[0])
	}
	return ""
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *Site) contentList(c *fiber.Ctx) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	return s.renderContent(c, v, false)
}

func (s *Site) reviewQueue(c *fiber.Ctx) error {
	return s.renderContent(c, consoleOf(c), true)
}

func (s *Site) renderContent(c *fiber.Ctx, v *consoleView, review bool) error {
	scope := "review"
	if !review {
		scope = v.Org.ID
	}
	q, kind, ok := s.readContentQuery(c, review, scope)
	if !ok {
		return s.notFound(c)
	}
	rows, next, err := s.deps.Console.content(c.UserContext(), v.Actor, v.Org, q)
	if err != nil {
		return s.consoleError(c, err)
	}
	title := "web.console.content.title"
	if review {
		title = "web.console.review.title"
	}
	p := s.consolePage(c, title)
	data := map[string]any{"Rows": rows, "Kind": kind, "Status": q.Status, "Gap": q.Gap, "Review": review,
		"Kinds": contentKinds, "Statuses": domain.Statuses.Codes}
	if next != nil {
		next.List = domain.ListFingerprint("console-content", scope, kind, q.Status, q.Gap, boolString(review))
		data["Next"] = nextPage(url.Values{"kind": {kind}, "status": {q.Status}, "gap": {q.Gap}, "cursor": {next.Encode()}})
	}
	return s.renderConsole(c, "content", p, data)
}

// nextPage is the address of a list's next page, its query as given: the template takes it as
// a safe URL, so that its "=" and "&" stay what they are.
func nextPage(q url.Values) template.URL {
	return template.URL("?" + q.Encode()) //nolint:gosec // built from url.Values, every value escaped
}
