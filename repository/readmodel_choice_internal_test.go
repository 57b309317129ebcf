package repository

import (
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// ListSQL and FacetsSQL give the statement the store runs for a filter (the benchmarks time
// it as the API's): from the read model exactly when the store reads it from there.
func TestListSQLIsTheStatementTheStoreRuns(t *testing.T) {
	s := &Store{}
	filters := map[string]domain.ListFilter{
		"public":             {Langs: []string{"en"}},
		"unresolved lang":    {Langs: []string{"de"}},
		"bookmarks":          {IDs: []string{"00000000-0000-0000-0000-000000000000"}, Owner: "u"},
		"owner without ids":  {Owner: "u", Langs: []string{"en"}},
		"any status":         {AnyStatus: true},
		"public with facets": {Country: "CV", Facets: domain.FacetNames},
	}
	for name, f := range filters {
		for _, k := range []kindSpec{opportunitySpec, incentiveSpec, programmeSpec} {
			wantList, _, _ := k.selectSQL(f, "")
			wantFacets, _, _ := k.facetsSQL(f)
			if s.fromReadModel(f) {
				wantList, _, _ = readSQL(k.kind, f)
				wantFacets, _, _ = readFacetsSQL(k.kind, f)
			}
			if got, _ := ListSQL(k.kind, f); got != wantList {
				t.Errorf("%s, %s: ListSQL is not the list the store runs", name, k.kind)
			}
			if got, _, _ := FacetsSQL(k.kind, f); got != wantFacets {
				t.Errorf("%s, %s: FacetsSQL is not the facets the store runs", name, k.kind)
			}
		}
	}
}
