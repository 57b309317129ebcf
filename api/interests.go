package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/domain"
)

type interestOpportunityJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
}

type interestJSON struct {
	ID           string                  `json:"id"`
	Opportunity  interestOpportunityJSON `json:"opportunity"`
	Organization orgRefJSON              `json:"organization"`
	Status       coded                   `json:"status"`
	Message      string                  `json:"message"`
	Amount       *domain.Money           `json:"amount"`
	Shared       map[string]any          `json:"shared"`
	Reply        *string                 `json:"reply"`
	RepliedAt    *time.Time              `json:"replied_at"`
	CreatedAt    time.Time               `json:"created_at"`
	UpdatedAt    time.Time               `json:"updated_at"`
}

func (v *view) interest(it *domain.Interest) interestJSON {
	v.uses(it.Opportunity.Lang)
	shared := it.Shared
	if shared == nil {
		shared = map[string]any{}
	}
	return interestJSON{ID: it.ID, Opportunity: interestOpportunityJSON{ID: it.Opportunity.ID, Title: it.Opportunity.Name, Lang: it.Opportunity.Lang},
		Organization: orgRef(it.Organization), Status: v.label(domain.InterestStatuses, it.Status), Message: it.Message,
		Amount: it.Amount, Shared: shared, Reply: it.Reply, RepliedAt: utc(it.RepliedAt), CreatedAt: it.CreatedAt.UTC(),
		UpdatedAt: it.UpdatedAt.UTC()}
}

const maxIdempotencyKey = 255

// sendInterest: POST /v1/opportunities/{id}/interests. One open interest per investor and
// opportunity; an Idempotency-Key header makes a retry answer the first request's result.
func (s *server) sendInterest(c *fiber.Ctx) error {
	user, oppID, err := s.opportunityWriter(c, "id")
	if err != nil {
		return err
	}
	e, err := readExpression(c)
	if err != nil {
		return err
	}
	it, replayed, err := s.interests.Send(c.UserContext(), user, oppID, e, requestPrefs(c))
	if err != nil {
		return writeError(err, "opportunity")
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Location(s.link("/v1/interests/" + it.ID))
	c.Status(fiber.StatusCreated)
	return s.sendInterestView(c, it)
}

// readExpression reads the Idempotency-Key header and the body of sendInterest.
func readExpression(c *fiber.Ctx) (interests.Expression, error) {
	key, err := idempotencyKey(c)
	if err != nil {
		return interests.Expression{}, err
	}
	var in struct {
		Message string        `json:"message"`
		Amount  *domain.Money `json:"amount"`
		Share   []string      `json:"share"`
	}
	if err := decodeBody(c, &in, "amount"); err != nil {
		return interests.Expression{}, err
	}
	// The same JSON with other spacing or key order is the same request.
	return interests.Expression{Message: in.Message, Amount: in.Amount, Share: in.Share,
		IdempotencyKey: key, Request: canonicalJSON(c.Body())}, nil
}

// idempotencyKey reads the Idempotency-Key header ("" when there is none).
func idempotencyKey(c *fiber.Ctx) (string, error) {
	key := c.Get("Idempotency-Key")
	var v invalid
	switch {
	case len(key) > maxIdempotencyKey:
		v.add("Idempotency-Key", "header", "too_long", map[string]any{"Max": maxIdempotencyKey})
	case !printableASCII(key):
		v.add("Idempotency-Key", "header", "invalid_encoding", nil)
	default:
		if p := domain.CheckText(key, domain.NameText); p != nil {
			v.add("Idempotency-Key", "header", p.Code, map[string]any{"Char": p.Char})
		}
	}
	return key, v.err("invalid-parameters")
}

// interestList answers one page of a list of interests (an organization's inbox, or the
// investor's own).
func (s *server) interestList(c *fiber.Ctx, list interests.List) error {
	q := &queryParams{c: c}
	p := interests.Page{Limit: q.limit(), Status: q.code("status", domain.InterestStatuses), Langs: requestPrefs(c)}
	fingerprint := list.Fingerprint(p.Status)
	p.After = q.cursor(fingerprint)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	rows, next, err := s.interests.Page(c.UserContext(), list, p)
	if err != nil {
		return err
	}
	v := s.newView(p.Langs)
	items := make([]interestJSON, len(rows))
	for i := range rows {
		items[i] = v.interest(&rows[i])
	}
	if next != nil {
		next.List = fingerprint
	}
	return sendPrivateList(s, c, v, items, next)
}

// myInterests: GET /v1/me/interests.
func (s *server) myInterests(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	return s.interestList(c, s.interests.Mine(user))
}

// orgInterests: GET /v1/organizations/{id}/interests, the organization's inbox.
func (s *server) orgInterests(c *fiber.Ctx) error {
	list, err := readAs(c, s.actor, func(ctx context.Context, actor domain.Actor) (interests.List, error) {
		return s.interests.Inbox(ctx, actor, c.Params("id"))
	})
	if err != nil {
		return writeError(err, "organization")
	}
	return s.interestList(c, list)
}

// getInterest: GET /v1/interests/{id}, for the investor who sent it, the organization's members
// and administrators.
func (s *server) getInterest(c *fiber.Ctx) error {
	it, err := readAs(c, s.actor, func(ctx context.Context, actor domain.Actor) (*domain.Interest, error) {
		return s.interests.Interest(ctx, actor, c.Params("id"), requestPrefs(c))
	})
	if err != nil {
		return writeError(err, "interest")
	}
	return s.sendInterestView(c, it)
}

// patchInterest: PATCH /v1/interests/{id} {"status", "reply"}: the agency marks it read,
// answers (with a reply) or closes it; the investor may close (withdraw) their own.
func (s *server) patchInterest(c *fiber.Ctx) error {
	actor, err := s.writeActor(c)
	if err != nil {
		return err
	}
	// Those who may not see it learn nothing of it, not even that their body was malformed.
	if _, err := s.interests.Interest(c.UserContext(), actor, c.Params("id"), nil); err != nil {
		return writeError(err, "interest")
	}
	var in struct {
		Status string  `json:"status"`
		Reply  *string `json:"reply"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	it, err := s.interests.Update(c.UserContext(), actor, c.Params("id"), domain.InterestChange{Status: in.Status, Reply: in.Reply}, requestPrefs(c))
	if err != nil {
		return writeError(err, "interest")
	}
	return s.sendInterestView(c, it)
}

// sendInterestView answers one interest, privately.
func (s *server) sendInterestView(c *fiber.Ctx, it *domain.Interest) error {
	v := s.newView(requestPrefs(c))
	return s.sendPrivate(c, v, v.interest(it)) // the opportunity's language goes in Content-Language
}

// printableASCII tells whether s has only printable ASCII characters (space to tilde), as
// openapi.yaml's Idempotency-Key pattern says: a UUID or any such token, the same for every
// client library and proxy.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
