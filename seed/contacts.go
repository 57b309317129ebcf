package seed

import (
	"fmt"
	"strings"
)

// Contact is one public contact point of an organization (head office, a desk abroad, a
// procurement mailbox…): what the sources give, with the sources and the date last checked.
type Contact struct {
	Label   map[string]string `yaml:"label,omitempty"` // what this contact is, by language
	Address *string           `yaml:"address,omitempty"`
	Email   *string           `yaml:"email,omitempty"`
	Phone   *string           `yaml:"phone,omitempty"`
	URL     *string           `yaml:"url,omitempty"`
	Hours   *string           `yaml:"hours,omitempty"`
	Note    map[string]string `yaml:"note,omitempty"` // a caveat (an undated or old source…)
	Sources []Source          `yaml:"sources,omitempty"`
	AsOf    string            `yaml:"as_of,omitempty"`
}

// checkContacts: every contact is sourced and dated, says what it is, gives a way to reach the
// organization, and is never an example.org address on a real organization.
func checkContacts(o Organization, fail func(string, ...any)) {
	for i, c := range o.Contacts {
		name := fmt.Sprintf("organization %s: contact %d", o.Slug, i+1)
		checkProvenance(name, c.Sources, c.AsOf, fail)
		if len(c.Label) == 0 {
			fail("%s: no label", name)
		}
		if c.Address == nil && c.Email == nil && c.Phone == nil && c.URL == nil {
			fail("%s: no address, e-mail, phone or URL", name)
		}
		if !o.Example && c.Email != nil && isExampleDomain(*c.Email) {
			fail("%s: a real organization cannot give the example contact %s", name, *c.Email)
		}
		if c.URL != nil && !strings.HasPrefix(*c.URL, "http") {
			fail("%s: the URL must be absolute", name)
		}
	}
}
