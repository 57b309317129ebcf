-- Contact points of organizations (issue 17, "Contacts"): the real public addresses, e-mails,
-- phones, web pages and opening hours of an agency, a ministry's desk, a one-stop shop or a
-- diaspora investor desk, each with its sources and as_of like every fact of the catalogue.
-- An organization may have several (its head office, a desk abroad, its procurement mailbox).
-- label and note are {"lang": "text"}; every contact field is optional, but a row gives at least
-- one way to reach the organization.

-- +goose Up
CREATE TABLE organization_contacts (
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  position        smallint NOT NULL CHECK (position > 0),
  label           jsonb NOT NULL CHECK (jsonb_typeof(label) = 'object'),
  address         text CHECK (length(address) BETWEEN 1 AND 500),
  email           text CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  phone           text CHECK (length(phone) BETWEEN 1 AND 100),
  url             text CHECK (url ~ '^https?://'),
  hours           text CHECK (length(hours) BETWEEN 1 AND 300),
  note            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(note) = 'object'),
  sources         jsonb NOT NULL CHECK (jsonb_typeof(sources) = 'array' AND jsonb_array_length(sources) > 0),
  as_of           date NOT NULL,
  PRIMARY KEY (organization_id, position),
  CHECK (coalesce(address, email, phone, url) IS NOT NULL)
);

CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organization_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed();

-- +goose Down
DROP TABLE organization_contacts;
