package editorial

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/seed"
)

// TestTheSeedPassesTheChecks: every item of the bundled seed is a valid draft, in each of its
// languages, by the checks of an agency's edit (no database: the files define the codes).
func TestTheSeedPassesTheChecks(t *testing.T) {
	c, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, FileLanguages())
	ref := newFileReference(c.Reference, c.Countries, nil)
	for _, f := range c.Countries {
		if err := s.checkFile(context.Background(), ref, f); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	// A file that breaks a rule is refused, naming the item and the field.
	var bad seed.CountryFile
	for _, f := range c.Countries {
		if len(f.Opportunities) > 0 {
			bad = f
			break
		}
	}
	bad.Opportunities = slices.Clone(bad.Opportunities)
	bad.Opportunities[0].Sectors = []string{"alchemy"}
	if err := s.checkFile(context.Background(), ref, bad); err == nil || !strings.Contains(err.Error(), "sectors: unknown_code") {
		t.Errorf("an unknown sector: got %v", err)
	}
}
