package domain

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxQueryLen  = 200
)

// ListFilter narrows a list of content. Empty fields do not narrow.
type ListFilter struct {
	Country      string
	Sectors      []string
	Region       string
	Type         string // instrument for opportunities, type for incentives and programmes
	InvestorType string
	MinAmount    string // decimal, in Currency
	MaxAmount    string
	Currency     string
	Query        string
	Facets       []string
	Limit        int
	After        *Cursor
	// Langs are the languages the reader asked for, best first: each item's text is taken in
	// the first of them it exists in, else in its source language.
	Langs []string
	// SearchLangs are the languages a search query is parsed in.
	SearchLangs []string
	// IDs, when set, restricts the list to these items (a page of bookmarks).
	IDs []string
	// Owner, when set, ties a cursor to one user's list (bookmarks).
	Owner string
	// AnyStatus reads an item whatever its workflow status, for its editors; the catalogue
	// shows published items only.
	AnyStatus bool
	// HideExamples leaves out illustrative items (the public catalogue, unless SHOW_EXAMPLES).
	HideExamples bool
	// IncludeClosed keeps opportunities whose deadline has passed (include_closed=true);
	// public lists leave them out by default (HideClosed). Details and bookmarks show them.
	IncludeClosed bool
	HideClosed    bool
}

// Fingerprint identifies what a filter selects and in which order (not the page or the
// reader's languages), so that a cursor made for one list is refused by another.
func (f ListFilter) Fingerprint(kind Kind) uint32 {
	h := fnv.New32a()
	for _, part := range []string{string(kind), f.Owner, f.Country, strings.Join(f.Sectors, ","), f.Region,
		f.Type, f.InvestorType, f.MinAmount, f.MaxAmount, f.Currency, f.Query, strconv.FormatBool(f.IncludeClosed)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// Cursor is the position after the last item of a page: its sort key (relevance, when
// searching, then publication time and id) and the fingerprint of the list it belongs to.
type Cursor struct {
	List        uint32    `json:"l"`
	Rank        *float32  `json:"r,omitempty"`
	PublishedAt time.Time `json:"p"`
	ID          string    `json:"i"`
	// Key is the sort key of lists ordered by a text (organizations by name).
	Key string `json:"k,omitempty"`
}

// ErrInvalidCursor is returned for a cursor this API did not make or made for another list.
var ErrInvalidCursor = errors.New("invalid cursor")

// Encode makes the opaque form clients send back.
func (c Cursor) Encode() string { return encodeCursor(c) }

// DecodeCursor reads a cursor and checks that it belongs to the list of fingerprint list.
func DecodeCursor(s string, list uint32) (*Cursor, error) {
	// Room for the longest sort key a list has: an organization's name (300 characters, up to
	// 1,200 bytes) in base64.
	c, ok := decodeCursor[Cursor](s, 2048)
	if !ok || c.List != list || c.PublishedAt.IsZero() || !isUUID(c.ID) || CheckText(c.Key, TitleText) != nil {
		// A sort key goes to the database: a forged one with NUL or controls goes nowhere.
		return nil, ErrInvalidCursor
	}
	return &c, nil
}

// RankString renders a relevance exactly, for PostgreSQL's real type to read back.
func RankString(r float32) string { return strconv.FormatFloat(float64(r), 'g', -1, 32) }

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
	}
	return true
}

// IsID reports whether s has the shape of a content id (as opposed to a slug).
func IsID(s string) bool { return isUUID(strings.ToLower(s)) }

// SeqCursor is the position after the last entry of a list ordered by a sequence number (the
// audit trail).
type SeqCursor struct {
	List uint32 `json:"l"`
	Seq  int64  `json:"s"`
}

// Encode makes the opaque form clients send back.
func (c SeqCursor) Encode() string { return encodeCursor(c) }

// DecodeSeqCursor reads a sequence cursor made for the list of fingerprint list.
func DecodeSeqCursor(s string, list uint32) (*SeqCursor, error) {
	c, ok := decodeCursor[SeqCursor](s, 128)
	if !ok || c.List != list || c.Seq <= 0 {
		return nil, ErrInvalidCursor
	}
	return &c, nil
}

// encodeCursor is a cursor's opaque form: its JSON in URL-safe base64.
func encodeCursor(c any) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads the opaque form of a cursor of type C, of at most max characters; a
// field C does not have makes it invalid.
func decodeCursor[C any](s string, max int) (c C, ok bool) {
	if len(s) > max {
		return c, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	err = dec.Decode(&c)
	return c, err == nil
}

// ListFingerprint identifies a list by its parts, for cursors of lists other than content.
func ListFingerprint(parts ...string) uint32 {
	h := fnv.New32a()
	for _, part := range parts {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// The shapes of codes that clients send: a country (two capital letters) and a lower-case code
// (a region, a sector…).
var (
	countryCodeShape = regexp.MustCompile(`^[A-Z]{2}$`)
	codeShape        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)
)

// IsCountryCode reports whether s has the shape of a country code (upper case).
func IsCountryCode(s string) bool { return countryCodeShape.MatchString(s) }

// IsCodeShape reports whether s has the shape of a lower-case code such as a region's.
func IsCodeShape(s string) bool { return codeShape.MatchString(s) }

// The checks of a list's filters below are shared by every list (content, directories):
// each adds what is wrong to an Invalid and returns the value to use.

// FilterAmount checks a decimal amount ("" when none is given) and returns it normalized.
func (v *Invalid) FilterAmount(name, value string) string {
	if value == "" {
		return ""
	}
	a, err := ParseAmount(value)
	if err != nil {
		v.Add(name, "invalid_amount", nil)
		return ""
	}
	return a
}

// FilterRange checks that a range's low end is not above its high end (both decimals or "").
func (v *Invalid) FilterRange(name, low, high string) {
	if low != "" && high != "" && AmountLess(high, low) {
		v.Add(name, "min_greater_than_max", nil)
	}
}

// FilterLimit checks a page size ("" for the default) and returns it.
func (v *Invalid) FilterLimit(name, value string) int {
	if value == "" {
		return DefaultLimit
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > MaxLimit {
		v.Add(name, "invalid_limit", map[string]any{"Max": MaxLimit})
		return DefaultLimit
	}
	return n
}

// FilterBool checks "true", "false" or "" (false).
func (v *Invalid) FilterBool(name, value string) bool {
	switch value {
	case "", "false":
		return false
	case "true":
		return true
	}
	v.Add(name, "invalid_boolean", map[string]any{"Value": Truncate(value)})
	return false
}

// SearchText checks the words of a search, trimmed: valid UTF-8 without NUL, at most
// MaxQueryLen characters. It returns "" when they are refused.
func (v *Invalid) SearchText(name, value string) string {
	value = strings.TrimSpace(value)
	switch {
	case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
		v.Add(name, "invalid_encoding", nil)
		return ""
	case utf8.RuneCountInString(value) > MaxQueryLen:
		v.Add(name, "search_too_long", map[string]any{"Max": MaxQueryLen})
		return ""
	}
	return value
}

// FilterCodes checks every value against set and returns the known ones, without repeats.
func (v *Invalid) FilterCodes(name string, values []string, set CodeSet) []string {
	var out []string
	for _, c := range values {
		if v.Code(name, c, set) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// FilterFacets checks the names of the facets asked for; one error names the allowed ones.
func (v *Invalid) FilterFacets(name string, values []string) []string {
	var out []string
	for _, f := range values {
		if !slices.Contains(FacetNames, f) {
			v.Add(name, "invalid_facets", map[string]any{"Allowed": strings.Join(FacetNames, ", ")})
			break
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

var itemRefShape = regexp.MustCompile(`^[A-Za-z0-9-]{1,100}$`)

// IsItemRef reports whether s can name an item: an id or a slug.
func IsItemRef(s string) bool { return itemRefShape.MatchString(s) }
