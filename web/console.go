package web

// The agencies' console: /{lang}/console/… for signed-in people only, every page private and
// never stored, every form with its CSRF token. It shares the site's layout, sessions, CSRF,
// assets and texts (web.console.* keys), and calls the use cases of app/ (console_wiring.go):
// it refuses what the JSON API refuses, with the same problem messages.

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

//go:embed templates/console/*.html
var consoleFS embed.FS

// loadConsoleTemplates parses the console's pages over the site's layout and partials, as
// "console/<name>".
func (s *Site) loadConsoleTemplates() error {
	names, err := fs.Glob(consoleFS, "templates/console/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/console/"), ".html")
		if strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).Funcs(consoleFuncs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
		if err == nil {
			t, err = t.ParseFS(consoleFS, "templates/console/_*.html", n)
		}
		if err != nil {
			return fmt.Errorf("web: template %s: %w", n, err)
		}
		s.pages["console/"+base] = t
	}
	return nil
}

var consoleFuncs = template.FuncMap{
	"shared": sharedValue,
}

// consoleRoutes adds the console's routes to a language's group.
func (s *Site) consoleRoutes(g fiber.Router) {
	if s.deps.Console == nil {
		return
	}
	c := g.Group("/console", s.consoleGate)
	c.Get("/", s.consoleHome)
	c.Get("/apply", s.applyForm)
	c.Post("/apply", s.csrf, s.apply)
	c.Post("/invitations/:inv/:answer", s.csrf, s.answerInvitation)
	c.Get("/orgs/:org", s.orgPage)
	c.Post("/orgs/:org/identity", s.csrf, s.editIdentity)
	c.Post("/orgs/:org/invitations", s.csrf, s.invite)
	c.Post("/orgs/:org/invitations/:inv/revoke", s.csrf, s.revokeInvitation)
	c.Post("/orgs/:org/members/:user/role", s.csrf, s.changeRole)
	c.Post("/orgs/:org/members/:user/remove", s.csrf, s.removeMember)
	c.Get("/orgs/:org/content", s.contentList)
	c.Get("/orgs/:org/history", s.orgHistoryPage)
	c.Get("/orgs/:org/new/:kind", s.newDraftForm)
	c.Post("/orgs/:org/new/:kind", s.csrf, s.createDraft)
	c.Get("/orgs/:org/inbox", s.inbox)
	c.Get("/orgs/:org/inbox/:id", s.inboxInterest)
	c.Post("/orgs/:org/inbox/:id/answer", s.csrf, s.answerInterest)
	c.Post("/orgs/:org/inbox/:id/close", s.csrf, s.closeInterest)
	// After the inbox's: /orgs/:org/inbox/:id is an interest, not an item of a kind "inbox".
	c.Get("/orgs/:org/:kind/:id", s.editor)
	c.Get("/orgs/:org/:kind/:id/history", s.history)
	c.Get("/orgs/:org/:kind/:id/preview", s.preview)
	c.Post("/orgs/:org/:kind/:id/text/:lang", s.csrf, s.saveText)
	c.Post("/orgs/:org/:kind/:id/fields", s.csrf, s.saveFields)
	c.Post("/orgs/:org/:kind/:id/reviewed/:lang", s.csrf, s.markReviewed)
	c.Get("/orgs/:org/:kind/:id/text/:lang/delete", s.confirmDeleteTranslation)
	c.Post("/orgs/:org/:kind/:id/text/:lang/delete", s.csrf, s.deleteTranslation)
	c.Post("/orgs/:org/:kind/:id/as_of", s.csrf, s.saveAsOf)
	c.Post("/orgs/:org/:kind/:id/workflow/:action", s.csrf, s.transition)
	c.Get("/admin/review", s.reviewQueue)
	c.Get("/admin/rates", s.rates)
	c.Post("/admin/rates", s.csrf, s.putRate)
	c.Get("/admin/organizations", s.pendingOrgs)
	c.Post("/admin/organizations/:org/:verify", s.csrf, s.verifyOrg)
	c.All("/*", s.notFound)
}

const localConsole = "web_console"

// consoleGate lets signed-in people in (anyone else goes to sign in and comes back), loads
// their memberships for the rules and the organization switcher, and makes every answer
// private. API keys never open the console: only the site's session cookies do.
func (s *Site) consoleGate(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	u := currentUser(c)
	if u == nil {
		next := c.OriginalURL()
		if c.Method() != fiber.MethodGet {
			next = "/" + pageLang(c) + "/console/"
		}
		return c.Redirect("/"+pageLang(c)+"/signin?next="+url.QueryEscape(next), fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	actor, err := s.deps.Console.actor(ctx, u)
	if err != nil {
		return s.fail(c, err)
	}
	orgs, err := s.deps.Console.memberships(ctx, actor)
	if err != nil {
		return s.fail(c, err)
	}
	c.Locals(localConsole, &consoleView{Actor: actor, Orgs: orgs, Admin: actor.Admin})
	err = c.Next()
	// Whatever answered (a page, a redirect, an error), nothing of the console is stored.
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return err
}

// consoleView is what the console's navigation shows: the user's organizations, the one being
// worked on with its unread interests, and the administrators' pages.
type consoleView struct {
	Actor  domain.Actor
	Orgs   []domain.MembershipRecord
	Org    *domain.OrgDetail
	Role   string // the user's role in Org ("" for an administrator who is not a member)
	Unread int
	Admin  bool
}

// Member says whether the user belongs to the organization being worked on.
func (v *consoleView) Member() bool { return v.Org != nil && v.Role != "" }

// Manages says whether the user manages Org's members (owners and administrators).
func (v *consoleView) Manages() bool {
	return v.Org != nil && domain.DecideOrg(v.Actor, domain.OrgManageMembers, v.Org.ID, v.Org.Verified) == domain.Allowed
}

// EditsIdentity says whether the user may change Org's name, acronym and website now: its
// owners while it is unverified, administrators always.
func (v *consoleView) EditsIdentity() bool {
	return v.Org != nil && domain.DecideOrg(v.Actor, domain.OrgEdit, v.Org.ID, v.Org.Verified) == domain.Allowed && (v.Admin || !v.Org.Verified)
}

// UnreadLabel is the unread count as shown ("99+" past the cap).
func (v *consoleView) UnreadLabel() string {
	if v.Unread > unreadCap {
		return fmt.Sprintf("%d+", unreadCap)
	}
	return fmt.Sprint(v.Unread)
}

func consoleOf(c *fiber.Ctx) *consoleView {
	v, _ := c.Locals(localConsole).(*consoleView)
	return v
}

// consolePage starts a console page: private, not indexed, with its CSRF token.
func (s *Site) consolePage(c *fiber.Ctx, titleID string) *page {
	p := s.newPage(c, titleID)
	p.NoIndex = true
	p.CSRFToken = s.csrfToken(c)
	return p
}

// renderConsole renders a console page with the navigation's data and a notice of what the
// last action did (?done=…).
func (s *Site) renderConsole(c *fiber.Ctx, name string, p *page, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["C"] = consoleOf(c)
	if done := c.Query("done"); done != "" && consoleNotices[done] {
		data["Done"] = "web.console.done." + done
	}
	return s.render(c, "console/"+name, p, data)
}

// consoleNotices are the notices an action may leave (?done=…).
var consoleNotices = map[string]bool{"applied": true, "invited": true, "revoked": true, "role": true, "removed": true,
	"left": true, "accepted": true, "declined": true, "answered": true, "closed": true, "verified": true, "unverified": true,
	"rate": true, "identity": true, "created": true, "saved": true, "reviewed": true, "submit": true, "publish": true, "reject": true, "archive": true, "deleted": true,
	"as_of": true, "translation_deleted": true}

// withOrg reads the organization of the URL (:org) for the user, with its unread interests
// for the navigation; it answers false after writing the page that refuses it.
func (s *Site) withOrg(c *fiber.Ctx) (*consoleView, bool, error) {
	v := consoleOf(c)
	ctx := c.UserContext()
	org, err := s.deps.Console.organization(ctx, v.Actor, c.Params("org"))
	if err != nil {
		return v, false, s.consoleError(c, err)
	}
	v.Org = org
	if m, ok := v.Actor.Orgs[org.ID]; ok {
		v.Role = m.Role
	}
	if v.Member() || v.Admin {
		if v.Unread, err = s.deps.Console.unread(ctx, v.Actor, org.ID); err != nil {
			return v, false, s.fail(c, err)
		}
	}
	return v, true, nil
}

// problemMessage is the message key and status of an error of a use case, as the API's
// problem table (api/errors.go) answers it; ok is false for an error no rule made.
func problemMessage(err error) (status int, key string, ok bool) {
	var denied domain.Denied
	if errors.As(err, &denied) {
		if pr, ok := deniedProblems[denied.Decision]; ok {
			return pr.status, pr.key, true
		}
		return fiber.StatusForbidden, "problem.not_yours", true
	}
	for _, pr := range errorProblems {
		if errors.Is(err, pr.err) {
			return pr.status, pr.key, true
		}
	}
	return 0, "", false
}

// consoleProblem is how the console answers a refusal: a status and a message key.
type consoleProblem struct {
	status int
	key    string
}

// deniedProblems answer the decisions of the rules that refuse (domain.Denied); any other
// is "not yours" (403).
var deniedProblems = map[domain.Decision]consoleProblem{
	domain.Hidden:             {fiber.StatusNotFound, "web.error.not_found.detail"},
	domain.NotVerified:        {fiber.StatusForbidden, "problem.organization_not_verified"},
	domain.AdminOnly:          {fiber.StatusForbidden, "problem.admin_only"},
	domain.OtherCountry:       {fiber.StatusForbidden, "problem.other_country"},
	domain.NotAMember:         {fiber.StatusForbidden, "problem.not_a_member"},
	domain.RequiresOwner:      {fiber.StatusForbidden, "problem.requires_owner"},
	domain.IdentityNeedsAdmin: {fiber.StatusForbidden, "problem.identity_needs_admin"},
	domain.WrongStatus:        {fiber.StatusConflict, "problem.wrong_status"},
	domain.LastOwner:          {fiber.StatusConflict, "problem.last_owner"},
}

// errorProblems answer the use cases' errors: the first one err is.
var errorProblems = []struct {
	err    error
	status int
	key    string
}{
	{domain.ErrRatesAdminOnly, fiber.StatusForbidden, "problem.admin_only"},
	{domain.ErrNotFound, fiber.StatusNotFound, "web.error.not_found.detail"},
	{domain.ErrPreconditionFailed, fiber.StatusPreconditionFailed, "problem.precondition_failed.detail"},
	{domain.ErrIdentityTaken, fiber.StatusConflict, "problem.identity_taken"},
	{domain.ErrAlreadyMember, fiber.StatusConflict, "problem.already_member"},
	{domain.ErrSourceLanguage, fiber.StatusConflict, "problem.source_language"},
	{domain.ErrTranslationNotFound, fiber.StatusNotFound, "web.error.not_found.detail"},
	{domain.ErrConflict, fiber.StatusConflict, "problem.conflict.detail"},
}

// consoleError answers an error of a use case with the page of its problem: 404 for what the
// user may not know of, 403 for what is not theirs, 409 for the wrong moment.
func (s *Site) consoleError(c *fiber.Ctx, err error) error {
	status, key, ok := problemMessage(err)
	if !ok {
		return s.fail(c, err)
	}
	if status == fiber.StatusNotFound {
		return s.notFound(c)
	}
	c.Status(status)
	title := "problem.forbidden.title"
	if status == fiber.StatusConflict || status == fiber.StatusPreconditionFailed {
		title = "problem.conflict.title"
	}
	p := s.consolePage(c, title)
	return s.render(c, "error", p, map[string]any{"Message": key})
}

// back sends the browser to a console page after an action, with its notice.
func back(c *fiber.Ctx, path, done string) error {
	target := "/" + pageLang(c) + "/console" + path
	if done != "" {
		if strings.Contains(target, "?") {
			target += "&done=" + done
		} else {
			target += "?done=" + done
		}
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// sharedValue shows one profile field an investor shared: lists joined, a ticket range as
// "min – max currency".
func sharedValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, sharedValue(e))
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	case map[string]any:
		if a, ok := x["amount"]; ok {
			return fmt.Sprint(a, " ", x["currency"])
		}
		var parts []string
		for _, k := range []string{"min", "max"} {
			if e, ok := x[k]; ok && e != nil {
				parts = append(parts, sharedValue(e))
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " – ")
		}
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

// Day is a date of the console's records (which are never missing), in the page's language.
func (p *page) Day(t time.Time) string { return p.Date(&t) }

// ISODay is Day for a <time datetime>.
func (p *page) ISODay(t time.Time) string { return p.ISODate(&t) }
