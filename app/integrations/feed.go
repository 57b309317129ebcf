package integrations

import (
	"context"

	"github.com/diaspora-investor/marketplace/domain"
)

// FeedSize is how many of the newest opportunities a feed holds.
const FeedSize = 50

// Feed is what a feed of a country's newest published opportunities shows.
type Feed struct {
	Country domain.Country
	Items   []domain.Opportunity
}

// OpportunityFeed reads the newest published opportunities of a country (a catalogue code),
// in the reader's languages; searchLangs are the languages a search is parsed in.
func (s *Service) OpportunityFeed(ctx context.Context, code string, langs, searchLangs []string) (Feed, error) {
	country, err := s.store.CountryHeading(ctx, code, langs)
	if err != nil {
		return Feed{}, err
	}
	page, err := s.store.Opportunities(ctx, domain.ListFilter{Country: code, Limit: FeedSize, Langs: langs, SearchLangs: searchLangs})
	if err != nil {
		return Feed{}, err
	}
	return Feed{Country: country, Items: page.Items}, nil
}
