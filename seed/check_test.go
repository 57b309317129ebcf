package seed

import (
	"strings"
	"testing"
	"time"
)

// The seed files as committed pass every check (make test runs this over the real files).
func TestSeedFilesPassCheck(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(time.Now()); err != nil {
		t.Fatalf("seed files refused:\n%v", err)
	}
	// The check saw something: examples, real items, disputed facts.
	var examples, real, disputed int
	for _, f := range c.Countries {
		for _, o := range f.Opportunities {
			if o.Illustrative {
				examples++
			} else {
				real++
			}
		}
		for _, fact := range f.Country.Facts {
			if len(fact.Alternatives) >= 2 {
				disputed++
			}
		}
	}
	if examples == 0 || real == 0 || disputed < 2 {
		t.Fatalf("examples %d, real opportunities %d, disputed facts %d", examples, real, disputed)
	}
}

// Each rule refuses the content that breaks it, naming the item.
func TestCheckRefuses(t *testing.T) {
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		break_ func(c *Content)
		want   string
	}{
		{"no source", func(c *Content) {
			o := opp(c, "cv-handling-privatisation-emigrant-tranche")
			o.Source, o.Sources = nil, nil
		},
			"cv-handling-privatisation-emigrant-tranche: no source"},
		{"no as_of", func(c *Content) { opp(c, "cv-handling-privatisation-emigrant-tranche").AsOf = "" },
			"cv-handling-privatisation-emigrant-tranche: no as_of"},
		{"example.org contact on a real item", func(c *Content) {
			e := "desk@example.org"
			opp(c, "cv-handling-privatisation-emigrant-tranche").Contact.Email = &e
		}, "cannot give the example contact desk@example.org"},
		{"example under a real agency", func(c *Content) { opp(c, "cv-mindelo-fish-processing").Organization = "cv-tradeinvest" },
			"cv-mindelo-fish-processing: illustrative, so it must belong to the example organization"},
		{"real item under the example organization", func(c *Content) {
			opp(c, "cv-handling-privatisation-emigrant-tranche").Organization = "example-agency"
		}, "cannot belong to the example organization"},
		{"disputed fact shown as settled", func(c *Content) {
			f := &c.Countries[cvIndex(c)].Country.Facts[0]
			v, y := "1500000", 2024
			f.Value, f.Year, f.Alternatives, f.Sources = &v, &y, nil, f.Alternatives[0].Sources
		}, "fact 1 (diaspora_size): disputed in the research"},
		{"two values for one year", func(c *Content) {
			facts := &c.Countries[cvIndex(c)].Country.Facts
			dup := (*facts)[1]
			v := "500000"
			dup.Value = &v
			*facts = append(*facts, dup)
		}, "for the same year: a conflict must be one fact with its alternatives"},
		{"a link the opportunity cannot get", func(c *Content) {
			o := opp(c, "cv-mindelo-fish-processing")
			o.Incentives = append(o.Incentives, "cv-zeemsv-special-incentives")
		}, "linked incentive cv-zeemsv-special-incentives cannot apply to it: fails min_investment"},
		{"two regimes that cannot be combined", func(c *Content) {
			o := opp(c, "cv-mindelo-software-studio")
			o.Incentives = append(o.Incentives, "cv-cin-services-reduced-irpc")
		}, "which cannot be combined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			tc.break_(c)
			err = c.Check(today)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func cvIndex(c *Content) int {
	for i, f := range c.Countries {
		if f.Country.Code == "CV" {
			return i
		}
	}
	panic("no CV")
}

func opp(c *Content, slug string) *Opportunity {
	f := &c.Countries[cvIndex(c)]
	for i := range f.Opportunities {
		if f.Opportunities[i].Slug == slug {
			return &f.Opportunities[i]
		}
	}
	panic("no opportunity " + slug)
}
