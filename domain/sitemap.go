package domain

import (
	"fmt"
	"regexp"
)

// SitemapPart is one part of the site map: the public items of one kind whose ids begin with
// Prefix, two lower-case hex digits. Ids are random UUIDs, so 256 parts per kind share a
// catalogue evenly, and a part stays under the protocol's 50,000 addresses (an item has one
// per language) up to about 2,000,000 items of a kind.
type SitemapPart struct {
	Kind   Kind
	Prefix string
}

var sitemapPrefix = regexp.MustCompile(`^[0-9a-f]{2}$`)

// ParseSitemapPart reads a part's name, "opportunities-3f"; ErrNotFound for anything else.
func ParseSitemapPart(kind, prefix string) (SitemapPart, error) {
	switch Kind(kind) {
	case KindOpportunity, KindIncentive, KindProgramme:
		if sitemapPrefix.MatchString(prefix) {
			return SitemapPart{Kind: Kind(kind), Prefix: prefix}, nil
		}
	}
	return SitemapPart{}, ErrNotFound
}

// SitemapPrefixes are the 256 prefixes, "00" to "ff".
func SitemapPrefixes() []string {
	out := make([]string, 256)
	for i := range out {
		out[i] = fmt.Sprintf("%02x", i)
	}
	return out
}
