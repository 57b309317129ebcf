package domain

import "fmt"

// ErrInterestOpen: the investor already has an open expression of interest in the opportunity
// (it is an ErrConflict).
var ErrInterestOpen = fmt.Errorf("%w: an open interest in this opportunity exists", ErrConflict)

// NewInterest is an expression of interest as it is recorded: checked, with the profile fields
// to copy for the agency and, for a retried request, its idempotency key and request hash.
type NewInterest struct {
	Message string
	Amount  *Money
	Share   []string // the profile fields the agency may see, copied when it is sent
	// IdempotencyKey and RequestHash make a retried request answer the first one's result;
	// both empty without a key.
	IdempotencyKey string
	RequestHash    []byte
}

// InterestFilter selects one page of an organization's inbox or of an investor's own
// interests, newest first.
type InterestFilter struct {
	OrgID      string
	InvestorID string
	Status     string // any when empty
	After      *Cursor
	Limit      int
	Langs      []string
}

// InterestChange moves an interest to a status, with the agency's reply when it answers.
type InterestChange struct {
	Status string
	Reply  *string
}

// InterestState is what decides who may move an interest, read under the row's lock.
type InterestState struct {
	OrgID      string
	InvestorID string
	Status     string
}
