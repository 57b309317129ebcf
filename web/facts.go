package web

import (
	"maps"

	"github.com/diaspora-investor/marketplace/domain"
)

// factGroup is a run of a country's facts with one metric and one definition: the remittances
// from each country of residence, or those to each municipality. A run of several is shown as
// one table under one heading and definition, so that a country with many figures (Cabo Verde
// has 27) reads as a few tables, not a page of repeated definitions.
type factGroup struct {
	Metric     string
	Definition map[string]string
	Facts      []domain.Fact
	// ByPlace: the rows differ by place (a country of residence, a municipality), which heads
	// each row; otherwise they differ by year, which does.
	ByPlace bool
}

// FactGroups cuts facts, in their order, into groups. A disputed fact (one with alternatives)
// stands alone: its figures are shown side by side, which a table row cannot hold.
func (p *page) FactGroups(facts []domain.Fact) []factGroup {
	var groups []factGroup
	for _, f := range facts {
		if n := len(groups); n > 0 && len(f.Alternatives) == 0 {
			last := &groups[n-1]
			if last.Metric == f.Metric && maps.Equal(last.Definition, f.Definition) && len(last.Facts[0].Alternatives) == 0 {
				last.Facts = append(last.Facts, f)
				continue
			}
		}
		groups = append(groups, factGroup{Metric: f.Metric, Definition: f.Definition, Facts: []domain.Fact{f}})
	}
	for i := range groups {
		for _, f := range groups[i].Facts {
			groups[i].ByPlace = groups[i].ByPlace || f.ResidenceCountry != nil || f.Municipality != nil
		}
	}
	return groups
}

// FactPlace is where a fact is about, when it is about a part of the diaspora or the country:
// the country of residence's name, or the municipality as the source names it.
func (p *page) FactPlace(f domain.Fact) string {
	switch {
	case f.ResidenceCountry != nil:
		return p.CountryName(*f.ResidenceCountry)
	case f.Municipality != nil:
		return *f.Municipality
	}
	return ""
}
