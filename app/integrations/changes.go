package integrations

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// The change log of published content: what became public, what changed while public, and
// what stopped being public (tombstones), oldest first. An app keeps the resume cursor and
// asks again later for what happened since.

// ChangesQuery asks for one page of the change log: after a cursor ("": from the start), of
// one country (a code in any case; "": all), at most Limit entries.
type ChangesQuery struct {
	Cursor  string
	Country string
	Limit   int
}

// ChangesPage is one page of the change log. Resume is the cursor after its last entry (after
// the query's cursor when empty); More says that more entries follow at once.
type ChangesPage struct {
	Items  []domain.Change
	Resume string
	More   bool
}

// changeCursor is the opaque position in the change log: after the entry of sequence number s.
type changeCursor struct {
	Seq int64 `json:"s"`
}

func (c changeCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeChangeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 64 {
		return 0, false
	}
	var c changeCursor
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if dec.Decode(&c) != nil || c.Seq < 0 {
		return 0, false
	}
	return c.Seq, true
}

// Changes reads one page of the change log. A malformed cursor or a country that is not in the
// catalogue is a domain.Invalid naming the parameter.
func (s *Service) Changes(ctx context.Context, q ChangesQuery) (ChangesPage, error) {
	after, country, err := s.checkChanges(ctx, q)
	if err != nil {
		return ChangesPage{}, err
	}
	changes, err := s.store.Changes(ctx, after, country, q.Limit+1)
	if err != nil {
		return ChangesPage{}, err
	}
	page := ChangesPage{Items: changes, More: len(changes) > q.Limit}
	if page.More {
		page.Items = changes[:q.Limit]
	}
	last := after
	if n := len(page.Items); n > 0 {
		last = page.Items[n-1].Seq
	}
	page.Resume = changeCursor{last}.encode()
	return page, nil
}

// checkChanges reads the position of the query's cursor and the catalogue's code of its country.
func (s *Service) checkChanges(ctx context.Context, q ChangesQuery) (int64, string, error) {
	var v domain.Invalid
	var after int64
	if q.Cursor != "" {
		var ok bool
		if after, ok = decodeChangeCursor(q.Cursor); !ok {
			v.Add("cursor", "invalid_cursor", nil)
		}
	}
	country, err := domain.KnownCountry(ctx, s.store, q.Country)
	if err != nil {
		return 0, "", err
	}
	if q.Country != "" && country == "" {
		v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(q.Country)})
	}
	return after, country, v.Err()
}
