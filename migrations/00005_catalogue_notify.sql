-- Instances keep public catalogue reads in memory; this tells every one of them, through
-- LISTEN/NOTIFY, that something a public response derives from has changed. One notification
-- per statement and table (PostgreSQL folds identical ones within a transaction), sent at
-- commit, never for a rolled-back change. The payload is the table's name, for logs only:
-- an instance drops its whole cache on any change.
--
-- A table added later that public reads derive from must get the same trigger.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION notify_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catalogue_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['currencies', 'exchange_rates', 'sectors', 'countries', 'country_translations',
    'diaspora_facts', 'regions', 'organizations',
    'incentives', 'incentive_translations', 'incentive_benefits', 'incentive_sectors', 'incentive_regions',
    'programmes', 'programme_translations', 'programme_sectors', 'programme_regions',
    'opportunities', 'opportunity_translations', 'opportunity_sectors', 'opportunity_incentives',
    'opportunity_programmes'] LOOP
    EXECUTE format('CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed()', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION notify_catalogue_changed() CASCADE;
