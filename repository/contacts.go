package repository

import (
	"context"
	"encoding/json"
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
	// The contacts of a country's verified organizations ($1), in the organizations' name order.
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
	var rows []struct {
		orgColumns
		contactRow
	}
	if err := sqlx.SelectContext(ctx, s.reads, &rows, sqlCountryContacts, country); err != nil {
		return nil, err
	}
	out := make([]domain.ContactPoint, len(rows))
	for i, r := range rows {
		c := domain.ContactPoint{Org: r.orgRef(),
			Address: r.Address, Email: r.Email, Phone: r.Phone, URL: r.URL, Hours: r.Hours,
			Sources: decodeSources(r.Sources), AsOf: r.AsOf}
		if err := json.Unmarshal(r.Label, &c.Label); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(r.Note, &c.Note); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// contactRow is a contact point as stored, as the catalogue and the export read it: its label
// and note are texts per language, its sources a list (JSON).
type contactRow struct {
	Label   []byte    `db:"label"`
	Address *string   `db:"address"`
	Email   *string   `db:"email"`
	Phone   *string   `db:"phone"`
	URL     *string   `db:"url"`
	Hours   *string   `db:"hours"`
	Note    []byte    `db:"note"`
	Sources []byte    `db:"sources"`
	AsOf    time.Time `db:"as_of"`
}

var sqlExportContacts = statement("export_contacts", `
	SELECT label, address, email, phone, url, hours, note, sources, as_of
	FROM organization_contacts c JOIN organizations o ON o.id = c.organization_id
	WHERE o.slug = $1 ORDER BY c.position`)

// exportContacts adds to exported organizations their contact points, so that an import of an
// export keeps them (an organization written by an import gets the file's contacts).
func exportContacts(ctx context.Context, q sqlx.QueryerContext, orgs []seed.Organization) error {
	for i := range orgs {
		var rows []contactRow
		if err := sqlx.SelectContext(ctx, q, &rows, sqlExportContacts, orgs[i].Slug); err != nil {
			return err
		}
		for _, r := range rows {
			c := seed.Contact{Address: r.Address, Email: r.Email, Phone: r.Phone, URL: r.URL, Hours: r.Hours,
				AsOf: r.AsOf.Format(time.DateOnly)}
			for _, part := range []struct {
				raw []byte
				dst any
			}{{r.Label, &c.Label}, {r.Note, &c.Note}, {r.Sources, &c.Sources}} {
				if err := json.Unmarshal(part.raw, part.dst); err != nil {
					return fmt.Errorf("organization %s: contact: %w", orgs[i].Slug, err)
				}
			}
			if len(c.Note) == 0 {
				c.Note = nil
			}
			orgs[i].Contacts = append(orgs[i].Contacts, c)
		}
	}
	return nil
}
