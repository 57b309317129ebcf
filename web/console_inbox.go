package web

// The console's inbox: the expressions of interest an organization received, by status; one
// opened (which marks it read), answered or closed, through app/interests.

import (
	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/domain"
)

const inboxPage = 20

func (s *Site) inbox(c *fiber.Ctx) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	list, err := s.deps.Console.interests.Inbox(ctx, v.Actor, v.Org.ID)
	if err != nil {
		return s.consoleError(c, err)
	}
	status := c.Query("status")
	if status != "" && !domain.InterestStatuses.Has(status) {
		status = ""
	}
	var after *domain.Cursor
	if raw := c.Query("cursor"); raw != "" {
		cur, err := domain.DecodeCursor(raw, list.Fingerprint(status))
		if err != nil {
			return s.notFound(c)
		}
		after = cur
	}
	p := s.consolePage(c, "web.console.inbox.title")
	rows, next, err := s.deps.Console.interests.Page(ctx, list, interests.Page{Status: status, After: after, Limit: inboxPage, Langs: []string{p.Lang}})
	if err != nil {
		return s.fail(c, err)
	}
	data := map[string]any{"Interests": rows, "Status": status, "Statuses": domain.InterestStatuses.Codes}
	if next != nil {
		next.List = list.Fingerprint(status)
		data["Next"] = next.Encode()
	}
	return s.renderConsole(c, "inbox", p, data)
}

// inboxInterest opens an interest: the agency's opening marks a new one read.
func (s *Site) inboxInterest(c *fiber.Ctx) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	p := s.consolePage(c, "web.console.interest.title")
	it, err := s.openInterest(c, v)
	if err != nil {
		return s.consoleError(c, err)
	}
	if it.Status == domain.InterestSent && (v.Member() || v.Admin) {
		if it, err = s.deps.Console.interests.Update(ctx, v.Actor, it.ID, domain.InterestChange{Status: domain.InterestRead}, []string{p.Lang}); err != nil {
			return s.consoleError(c, err)
		}
		if v.Unread > 0 {
			v.Unread--
		}
	}
	return s.renderConsole(c, "interest", p, map[string]any{"Interest": it, "Reply": derefString(it.Reply), "Fields": domain.ShareableFields})
}

// openInterest reads the interest of the URL, which must be one of the organization's.
func (s *Site) openInterest(c *fiber.Ctx, v *consoleView) (*domain.Interest, error) {
	it, err := s.deps.Console.interests.Interest(c.UserContext(), v.Actor, c.Params("id"), []string{pageLang(c)})
	if err != nil {
		return nil, err
	}
	if it.Organization.ID != v.Org.ID || !(v.Member() || v.Admin) {
		return nil, domain.ErrNotFound
	}
	return it, nil
}

func (s *Site) answerInterest(c *fiber.Ctx) error {
	return s.moveInterest(c, domain.InterestAnswered, "answered")
}

func (s *Site) closeInterest(c *fiber.Ctx) error {
	return s.moveInterest(c, domain.InterestClosed, "closed")
}

func (s *Site) moveInterest(c *fiber.Ctx, status, done string) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	it, err := s.openInterest(c, v)
	if err != nil {
		return s.consoleError(c, err)
	}
	change := domain.InterestChange{Status: status}
	reply := c.FormValue("reply")
	if status == domain.InterestAnswered {
		change.Reply = &reply
	}
	p := s.consolePage(c, "web.console.interest.title")
	_, err = s.deps.Console.interests.Update(c.UserContext(), v.Actor, it.ID, change, []string{p.Lang})
	if s.invalidFields(p, err) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderConsole(c, "interest", p, map[string]any{"Interest": it, "Reply": reply, "Fields": domain.ShareableFields})
	}
	if err != nil {
		return s.consoleError(c, err)
	}
	return back(c, "/orgs/"+v.Org.ID+"/inbox/"+it.ID, done)
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
