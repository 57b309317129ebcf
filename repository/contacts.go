package repository

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/seed"
)

// Organizations' public contact points (migration 00034), written by the seed loader and read
// by GET /v1/countries/{code}/contacts.
var (
	sqlSeedContactsClear = statement("seed_contacts_clear", `DELETE FROM organization_contacts WHERE organization_id = $1`)
	sqlSeedContact       = statement("seed_contact", `
	INSERT INTO organization_contacts (organization_id, position, label, address, email, phone, url, hours, note, sources, as_of)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`)
	// The contacts of a country's verified organizations ($1), in the organizations' name order
	// (the columns of export_contacts).
	sqlCountryContacts = statement("country_contacts", `
	SELECT o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym, c.label, c.address, c.email, c.phone,
		c.url, c.hours, c.note, c.sources, c.as_of
	FROM organization_contacts c JOIN organizations o ON o.id = c.organization_id
	WHERE o.country_code = $1 AND o.verified
	ORDER BY o.name, o.id, c.position`)
)

// loadContacts replaces an organization's contacts by the seed's.
func loadContacts(ctx context.Context, tx *sqlx.Tx, orgID string, contacts []seed.Contact) error {
	if _, err := tx.ExecContext(ctx, sqlSeedContactsClear, orgID); err != nil {
		return err
	}
	for i, c := range contacts {
		if _, err := tx.ExecContext(ctx, sqlSeedContact, orgID, i+1, jsonOf(orEmptyMap(c.Label)), c.Address, c.Email,
			c.Phone, c.URL, c.Hours, jsonOf(orEmptyMap(c.Note)), jsonOf(orEmptyList(c.Sources)), nullDate(c.AsOf)); err != nil {
			return fmt.Errorf("contact %d: %w", i+1, err)
		}
	}
	return nil
}

// Contacts lists the public contact points of a country's verified organizations.
func (s *Store) Contacts(ctx context.Context, country string) ([]domain.ContactPoint, error) {
	return contactPoints(ctx, s.reads, sqlCountryContacts, country)
}

var sqlExportContacts = statement("export_contacts", `
	SELECT o.id AS org_id, o.name AS org_name, o.acronym AS org_acronym, c.label, c.address, c.email, c.phone,
		c.url, c.hours, c.note, c.sources, c.as_of
	FROM organization_contacts c JOIN organizations o ON o.id = c.organization_id
	WHERE o.slug = $1 ORDER BY c.position`)

// contactPoints reads the contact points of statement (country_contacts or export_contacts,
// which select the same columns).
func contactPoints(ctx context.Context, q sqlx.QueryerContext, statement string, args ...any) ([]domain.ContactPoint, error) {
	out := []domain.ContactPoint{}
	if err := scanInto(ctx, q, &out, func(c *domain.ContactPoint) []any {
		return []any{&c.Org.ID, &c.Org.Name, &c.Org.Acronym, jsonColumn(&c.Label), &c.Address, &c.Email, &c.Phone,
			&c.URL, &c.Hours, jsonColumn(&c.Note), sourcesColumn(&c.Sources), &c.AsOf}
	}, statement, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// exportContacts adds to exported organizations their contact points, so that an import of an
// export keeps them (an organization written by an import gets the file's contacts). They are
// read as the catalogue reads them, then written in the seed format.
func exportContacts(ctx context.Context, q sqlx.QueryerContext, orgs []seed.Organization) error {
	for i := range orgs {
		points, err := contactPoints(ctx, q, sqlExportContacts, orgs[i].Slug)
		if err != nil {
			return fmt.Errorf("organization %s: contact: %w", orgs[i].Slug, err)
		}
		for _, p := range points {
			c := seed.Contact{Label: p.Label, Address: p.Address, Email: p.Email, Phone: p.Phone, URL: p.URL, Hours: p.Hours,
				Sources: seedSources(p.Sources), AsOf: p.AsOf.Format(time.DateOnly)}
			if len(p.Note) > 0 {
				c.Note = p.Note
			}
			orgs[i].Contacts = append(orgs[i].Contacts, c)
		}
	}
	return nil
}
