package api

import (
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
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

const (
	maxInterestMessage = 5000
	maxIdempotencyKey  = 255
)

// sendInterest: POST /v1/opportunities/{id}/interests. One open interest per investor and
// opportunity; an Idempotency-Key header makes a retry answer the first request's result.
func (s *server) sendInterest(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	oppID := c.Params("id")
	if !idPattern.MatchString(oppID) {
		return notFound("opportunity")
	}
	key := c.Get("Idempotency-Key")
	var kv invalid
	switch {
	case len(key) > maxIdempotencyKey:
		kv.add("Idempotency-Key", "header", "too_long", map[string]any{"Max": maxIdempotencyKey})
	case !printableASCII(key):
		kv.add("Idempotency-Key", "header", "invalid_encoding", nil)
	default:
		if p := domain.CheckText(key, domain.NameText); p != nil {
			kv.add("Idempotency-Key", "header", p.Code, map[string]any{"Char": p.Char})
		}
	}
	if err := kv.err("invalid-parameters"); err != nil {
		return err
	}
	var in struct {
		Message string      `json:"message"`
		Amount  *moneyInput `json:"amount"`
		Share   []string    `json:"share"`
	}
	if err := decodeBody(c, &in, "amount"); err != nil {
		return err
	}
	k := &contentChecker{s: s, ctx: c.UserContext()}
	out := repository.InterestInput{IdempotencyKey: key}
	if msg, ok := k.text("message", opt[string]{Set: true, Value: in.Message}, 1, maxInterestMessage); ok {
		out.Message = msg
	}
	if in.Amount != nil {
		a, cur, ok, err := k.money("amount", *in.Amount)
		if err != nil {
			return err
		}
		if ok {
			out.Amount = &domain.Money{Amount: a, Currency: cur}
		}
	}
	for _, field := range in.Share {
		if !slices.Contains(domain.ShareableFields, field) {
			k.v.add("share", "body", "unknown_code", map[string]any{"Value": truncate(field), "Allowed": strings.Join(domain.ShareableFields, ", ")})
			break
		}
		if !slices.Contains(out.Share, field) {
			out.Share = append(out.Share, field)
		}
	}
	if err := k.v.err("invalid-body"); err != nil {
		return err
	}
	if key != "" {
		// The same key with another body (or for another opportunity) is a client bug, not a retry;
		// the same JSON with other spacing or key order is the same request.
		h := sha256.New()
		h.Write([]byte(oppID))
		h.Write([]byte{0})
		h.Write(canonicalJSON(c.Body()))
		out.RequestHash = h.Sum(nil)
	}
	it, replayed, err := s.store.SendInterest(c.UserContext(), user.ID, oppID, out, requestPrefs(c))
	switch {
	case errors.Is(err, repository.ErrNotFound):
		return notFound("opportunity")
	case errors.Is(err, repository.ErrConflict):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "interest_open"}
	case errors.Is(err, repository.ErrIdempotencyMismatch):
		return &apiError{status: fiber.StatusUnprocessableEntity, slug: "idempotency-key-reused"}
	case err != nil:
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Location(s.link("/v1/interests/" + it.ID))
	c.Status(fiber.StatusCreated)
	return s.sendInterestView(c, it)
}

// interestList answers one page of interests (an organization's inbox, or the investor's own).
func (s *server) interestList(c *fiber.Ctx, f repository.InterestFilter) error {
	q := &queryParams{c: c}
	f.Limit = q.limit()
	f.Status = q.code("status", domain.InterestStatuses)
	list := domain.ListFingerprint("interests", f.OrgID, f.InvestorID, f.Status)
	f.After = q.cursor(list)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	f.Langs = requestPrefs(c)
	rows, next, err := s.store.Interests(c.UserContext(), f)
	if err != nil {
		return err
	}
	v := s.newView(f.Langs)
	items := make([]interestJSON, len(rows))
	for i := range rows {
		items[i] = v.interest(&rows[i])
	}
	if next != nil {
		next.List = list
	}
	return sendPrivateList(s, c, v, items, next)
}

// myInterests: GET /v1/me/interests.
func (s *server) myInterests(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	return s.interestList(c, repository.InterestFilter{InvestorID: user.ID})
}

// orgInterests: GET /v1/organizations/{id}/interests, the organization's inbox.
func (s *server) orgInterests(c *fiber.Ctx) error {
	org, _, err := s.orgFor(c, domain.OrgInbox, false)
	if err != nil {
		return err
	}
	return s.interestList(c, repository.InterestFilter{OrgID: org.ID})
}

// visibleInterest reads an interest the actor may see: the investor who sent it, the
// organization's members, administrators. Others get 404.
func (s *server) visibleInterest(c *fiber.Ctx, actor domain.Actor) (*domain.Interest, error) {
	it, err := s.store.Interest(c.UserContext(), c.Params("id"), requestPrefs(c))
	if errors.Is(err, repository.ErrNotFound) {
		return nil, notFound("interest")
	}
	if err != nil {
		return nil, err
	}
	if _, member := actor.Orgs[it.Organization.ID]; !member && !actor.Admin && it.InvestorID != actor.UserID {
		return nil, notFound("interest")
	}
	return it, nil
}

// getInterest: GET /v1/interests/{id}.
func (s *server) getInterest(c *fiber.Ctx) error {
	actor, err := s.actor(c)
	if err != nil {
		return err
	}
	it, err := s.visibleInterest(c, actor)
	if err != nil {
		return err
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
	if _, err := s.visibleInterest(c, actor); err != nil {
		return err
	}
	var in struct {
		Status string  `json:"status"`
		Reply  *string `json:"reply"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	k := &contentChecker{}
	up := repository.InterestUpdate{Status: in.Status}
	if !domain.InterestStatuses.Has(in.Status) || in.Status == domain.InterestSent {
		k.v.add("status", "body", "unknown_code", map[string]any{"Value": truncate(in.Status), "Allowed": "read, answered, closed"})
	}
	switch {
	case in.Status == domain.InterestAnswered && in.Reply == nil:
		k.v.add("reply", "body", "required", nil)
	case in.Status != domain.InterestAnswered && in.Reply != nil:
		k.v.add("reply", "body", "reply_needs_answered", nil)
	case in.Reply != nil:
		if t, ok := k.text("reply", opt[string]{Set: true, Value: *in.Reply}, 1, maxInterestMessage); ok {
			up.Reply = &t
		}
	}
	if err := k.v.err("invalid-body"); err != nil {
		return err
	}
	if err := s.store.UpdateInterest(c.UserContext(), actor, c.Params("id"), up); err != nil {
		return writeError(err, "interest")
	}
	it, err := s.visibleInterest(c, actor)
	if err != nil {
		return err
	}
	return s.sendInterestView(c, it)
}

// sendInterestView answers one interest, privately.
func (s *server) sendInterestView(c *fiber.Ctx, it *domain.Interest) error {
	v := s.newView(requestPrefs(c))
	body := v.interest(it) // before private: the opportunity's language goes in Content-Language
	s.private(c, v)
	return s.sendJSON(c, body)
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
