package repository

import (
	"fmt"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// The lists, details, facets and summaries are built from the filters a request uses
// (kindSpec.selectSQL, kindSpec.facetsSQL, summariesSQL): their fragments are registered
// here inside complete statements, as the builders make them, so that the test that prepares
// every statement sees each fragment of each kind in context: one list with every filter and
// a search's cursor, one with the public hiding rules and a plain cursor, the details by id
// and by slug, the facets with every facet, and the summaries of an organization and of the
// review queue. The read model's are registered the same way.
func init() {
	rank := float32(0.5)
	id := "00000000-0000-0000-0000-000000000000"
	every := domain.ListFilter{Country: "CV", Sectors: []string{"tourism"}, Region: "sal", Type: "tax",
		InvestorType: "diaspora", MinAmount: "1.00", MaxAmount: "2.00", Currency: "EUR", Query: "praia",
		SearchLangs: []string{"en"}, Langs: []string{"en"}, IDs: []string{id}, Limit: domain.DefaultLimit,
		After: &domain.Cursor{Rank: &rank, PublishedAt: time.Unix(0, 0), ID: id}, Facets: domain.FacetNames}
	public := domain.ListFilter{HideExamples: true, HideClosed: true, Langs: []string{"en"}, Limit: domain.DefaultLimit,
		After: &domain.Cursor{PublishedAt: time.Unix(0, 0), ID: id}}
	for _, k := range []kindSpec{opportunitySpec, incentiveSpec, programmeSpec} {
		name := string(k.kind)
		text, _, _ := k.selectSQL(every, "")
		statement(name+"_list_every_filter", text)
		text, _, _ = k.selectSQL(public, "")
		statement(name+"_list_public", text)
		text, _, _ = k.selectSQL(public, id)
		statement(name+"_detail_by_id", text)
		text, _, _ = k.selectSQL(public, "a-slug")
		statement(name+"_detail_by_slug", text)
		text, _, err := k.facetsSQL(every)
		if err != nil {
			panic(err)
		}
		statement(name+"_facets_every_filter", text)
	}
	// The read model's statements: a search with every filter, then after a cursor in each of
	// its tiers, a list in two reader languages, both kinds of facets and a detail.
	for _, k := range []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme} {
		name := string(k) + "_read"
		text, _, _ := readSQL(k, every)
		statement(name+"_search_every_filter", text)
		for _, tier := range []float32{2, 1, 0} {
			f := every
			f.After = &domain.Cursor{Rank: &tier, PublishedAt: time.Unix(0, 0), ID: id}
			text, _, _ = readSQL(k, f)
			statement(fmt.Sprintf("%s_search_after_rank_%v", name, tier), text)
		}
		f := public
		f.Langs = []string{"fr", "en"}
		text, _, _ = readSQL(k, f)
		statement(name+"_list_public", text)
		text, _, err := readFacetsSQL(k, every)
		if err != nil {
			panic(err)
		}
		statement(name+"_facets_every_filter", text)
		f = public
		f.Country, f.Facets = "CV", domain.FacetNames
		text, _, err = readFacetsSQL(k, f)
		if err != nil {
			panic(err)
		}
		statement(name+"_facets_counted", text)
		text, _ = readDetailSQL(k, public, id)
		statement(name+"_detail", text)
	}
	after := &domain.Cursor{PublishedAt: time.Unix(0, 0), ID: id}
	text, _ := summariesSQL(SummaryFilter{OrgID: id, Status: "draft", Country: "CV", After: after, Limit: 20, Langs: []string{"en"}})
	statement("content_summaries_of_organization", text)
	text, _ = summariesSQL(SummaryFilter{Review: true, Kinds: []domain.Kind{domain.KindIncentive}, Country: "CV", After: after, Limit: 20})
	statement("content_summaries_in_review", text)
}
