-- +goose Up
-- A change of regions rebuilt the eligibility conditions of every country (00070): the
-- trigger saw the statement, not its rows. Each row's country is now read from the statement's
-- transition tables, so renaming one island rebuilds one country's row. PostgreSQL allows
-- transition tables on a trigger of one event only, hence three triggers.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION read_eligibility_regions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  codes char(2)[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    codes := ARRAY(SELECT DISTINCT country_code FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    codes := ARRAY(SELECT DISTINCT country_code FROM old_rows);
  ELSE
    codes := ARRAY(SELECT country_code FROM new_rows UNION SELECT country_code FROM old_rows);
  END IF;
  IF cardinality(codes) > 0 THEN
    PERFORM read_eligibility_refresh(codes);
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd

DROP TRIGGER read_eligibility_regions ON regions;
CREATE TRIGGER read_eligibility_regions_insert AFTER INSERT ON regions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_regions_changed();
CREATE TRIGGER read_eligibility_regions_update AFTER UPDATE ON regions
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_regions_changed();
CREATE TRIGGER read_eligibility_regions_delete AFTER DELETE ON regions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_regions_changed();

-- +goose Down
DROP TRIGGER read_eligibility_regions_delete ON regions;
DROP TRIGGER read_eligibility_regions_update ON regions;
DROP TRIGGER read_eligibility_regions_insert ON regions;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION read_eligibility_regions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM read_eligibility_refresh(ARRAY(SELECT code FROM countries));
  RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER read_eligibility_regions AFTER INSERT OR UPDATE OR DELETE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_regions_changed();
