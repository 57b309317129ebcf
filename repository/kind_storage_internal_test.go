package repository

import (
	"strings"
	"testing"
)

// Each kind's list fragments, written once for every kind, name the kind's own tables only,
// with nothing left to fill in; the names a statement template fills in are the kind's.
func TestKindFragmentsNameTheirOwnTables(t *testing.T) {
	specs := []kindSpec{opportunitySpec, incentiveSpec, programmeSpec}
	for _, k := range specs {
		if got, want := k.fill("{kind} {table} {title}"), k.singular+" "+k.table+" "+k.titleCol; got != want {
			t.Errorf("%s: fills in %q, want %q", k.kind, got, want)
		}
		for name, text := range map[string]string{"sectorIn": k.sectorIn, "regionIn": k.regionIn,
			"sectorFacet": k.sectorFacet, "regionFacet": k.regionFacet} {
			if strings.ContainsAny(text, "{}") {
				t.Errorf("%s %s keeps a name to fill in: %s", k.kind, name, text)
			}
			for _, other := range specs {
				if other.kind != k.kind && strings.Contains(text, other.singular+"_") {
					t.Errorf("%s %s names a table of %s: %s", k.kind, name, other.kind, text)
				}
			}
		}
		if !strings.Contains(k.sectorIn, k.singular+"_sectors") || !strings.Contains(k.sectorFacet, k.singular+"_sectors") {
			t.Errorf("%s: the sector filter and facet do not read %s_sectors", k.kind, k.singular)
		}
	}
}
