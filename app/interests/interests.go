// Package interests holds the use cases of expressions of interest: an investor sends one about
// a published opportunity (once, whatever the retries), the agency reads its inbox, marks them
// read, answers and closes them, and the investor follows and withdraws their own. Each use case
// checks its input, decides who may see or move an interest, and has the store write in one
// transaction. It knows nothing of HTTP or SQL.
package interests

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// MaxMessage is the longest message or reply, in characters.
const MaxMessage = 5000

// Store is what these use cases need of the database.
type Store interface {
	SendInterest(ctx context.Context, investorID, opportunity string, in domain.NewInterest, langs []string) (*domain.Interest, bool, error)
	Interest(ctx context.Context, id string, langs []string) (*domain.Interest, error)
	Interests(ctx context.Context, f domain.InterestFilter) ([]domain.Interest, *domain.Cursor, error)
	UpdateInterest(ctx context.Context, id, actorID string, change domain.InterestChange, decide func(domain.InterestState) error) error
	Organization(ctx context.Context, id string) (*domain.OrgDetail, error)
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
}

// Service runs the use cases over a store.
type Service struct{ store Store }

// New returns the use cases over store.
func New(store Store) *Service { return &Service{store: store} }

// Errors of these use cases, beside domain's.
var (
	errOpportunityNotFound = domain.NotFound{Resource: "opportunity"}
	errInterestNotFound    = domain.NotFound{Resource: "interest"}
)

// Expression is what an investor sends: a message, an optional amount, the profile fields to
// share, and for a request that may be retried its idempotency key.
type Expression struct {
	Message string
	Amount  *domain.Money // as sent: checked here
	Share   []string
	// IdempotencyKey makes a retry answer the first request's result. Request is the request
	// as its interface received it, in a canonical form: the same key with another Request (or
	// for another opportunity) is a client's bug, not a retry.
	IdempotencyKey string
	Request        []byte
}

// Send records an expression of interest of user in a published opportunity (an id or a
// slug), and returns it with replayed set when it answers a retry. One interest per investor
// and opportunity is open at a time (domain.ErrInterestOpen).
func (s *Service) Send(ctx context.Context, user *domain.User, opportunity string, in Expression, langs []string) (*domain.Interest, bool, error) {
	out, err := s.check(ctx, in)
	if err != nil {
		return nil, false, err
	}
	if in.IdempotencyKey != "" {
		out.IdempotencyKey, out.RequestHash = in.IdempotencyKey, requestHash(opportunity, in.Request)
	}
	it, replayed, err := s.store.SendInterest(ctx, user.ID, opportunity, out, langs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, false, errOpportunityNotFound
	}
	return it, replayed, err
}

// check checks an expression into what the store records.
func (s *Service) check(ctx context.Context, in Expression) (domain.NewInterest, error) {
	var v domain.Invalid
	var out domain.NewInterest
	out.Message, _ = v.Text("message", in.Message, 1, MaxMessage)
	if in.Amount != nil {
		m, ok, err := v.Money(ctx, s.store, "amount", *in.Amount)
		if err != nil {
			return out, err
		}
		if ok {
			out.Amount = &m
		}
	}
	for _, field := range in.Share {
		if !v.Code("share", field, shareable) {
			break
		}
		if !slices.Contains(out.Share, field) {
			out.Share = append(out.Share, field)
		}
	}
	return out, v.Err()
}

func requestHash(opportunity string, request []byte) []byte {
	h := sha256.New()
	h.Write([]byte(opportunity))
	h.Write([]byte{0})
	h.Write(request)
	return h.Sum(nil)
}

// Interest reads an interest that actor may see: the investor who sent it, the organization's
// members, administrators. It does not exist for anyone else.
func (s *Service) Interest(ctx context.Context, actor domain.Actor, id string, langs []string) (*domain.Interest, error) {
	it, err := s.store.Interest(ctx, id, langs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errInterestNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, member := actor.Orgs[it.Organization.ID]; !member && !actor.Admin && it.InvestorID != actor.UserID {
		return nil, errInterestNotFound
	}
	return it, nil
}

// Update moves an interest along its statuses and returns it: the agency (members of its
// organization, administrators) marks it read, answers it with a reply or closes it; the
// investor may close (withdraw) their own.
func (s *Service) Update(ctx context.Context, actor domain.Actor, id string, change domain.InterestChange, langs []string) (*domain.Interest, error) {
	if err := checkChange(change); err != nil {
		return nil, err
	}
	if change.Reply != nil {
		t := strings.TrimSpace(*change.Reply)
		change.Reply = &t
	}
	err := s.store.UpdateInterest(ctx, id, actor.UserID, change, func(cur domain.InterestState) error {
		_, member := actor.Orgs[cur.OrgID]
		byAgency := actor.Admin || member
		if !byAgency && cur.InvestorID != actor.UserID {
			return errInterestNotFound
		}
		if d := domain.InterestMove(cur.Status, change.Status, byAgency); d != domain.Allowed {
			return domain.Denied{Decision: d}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Interest(ctx, actor, id, langs)
}

// shareable are the profile fields an expression of interest may show, as a set of codes to
// check a choice against (they have no labels of their own).
var shareable = domain.CodeSet{Codes: domain.ShareableFields}

// settableStatuses are the statuses an agency may give an interest: every one but sent.
var settableStatuses = domain.CodeSet{Name: domain.InterestStatuses.Name,
	Codes: slices.DeleteFunc(slices.Clone(domain.InterestStatuses.Codes), func(s string) bool { return s == domain.InterestSent })}

// checkChange checks a new status (never back to sent) and the reply that goes with answered,
// and only with it.
func checkChange(change domain.InterestChange) error {
	var v domain.Invalid
	v.Code("status", change.Status, settableStatuses)
	switch {
	case change.Status == domain.InterestAnswered && change.Reply == nil:
		v.Add("reply", "required", nil)
	case change.Status != domain.InterestAnswered && change.Reply != nil:
		v.Add("reply", "reply_needs_answered", nil)
	case change.Reply != nil:
		v.Text("reply", *change.Reply, 1, MaxMessage)
	}
	return v.Err()
}
