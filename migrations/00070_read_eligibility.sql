-- +goose Up
-- Eligibility reads one country's precomputed conditions: one row per origin country with its
-- regions and every published incentive and programme with the conditions domain.Assess
-- checks and its name in each reader language key of the read model. It is derived from
-- read_items (kept by read_model_refresh in the write transaction of every change) and from
-- regions, by the triggers below, so it is kept in the same transactions; an eligibility
-- request then reads one row by its key.
CREATE TABLE read_eligibility (
  country_code char(2) PRIMARY KEY REFERENCES countries (code) ON DELETE CASCADE,
  -- [[code, name], …] in the country's order of regions
  regions      jsonb NOT NULL,
  -- [{kind, id, type, …, names: {lang_key: [lang, name]}}, …]: incentives, then programmes,
  -- each newest first (the order of the answer)
  candidates   jsonb NOT NULL,
  -- a hash of regions and candidates (positive, never 0): an instance that decoded this version
  -- of the row keeps it, and is sent the documents again only when the version changed; the same
  -- content has the same version in every database (a sequence would give clones of one database
  -- one version for two contents, and a rebuild that changes nothing would change it)
  version      bigint NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION read_eligibility_refresh(codes char(2)[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO read_eligibility (country_code, version, regions, candidates)
  SELECT code, (hashtextextended(regions::text || candidates::text, 0) & 9223372036854775807) | 1, regions, candidates
  FROM (SELECT co.code,
    coalesce((SELECT jsonb_agg(jsonb_build_array(r.code, r.name) ORDER BY r.position, r.code)
      FROM regions r WHERE r.country_code = co.code), '[]') AS regions,
    coalesce((SELECT jsonb_agg(c.doc ORDER BY c.kind, c.published_at DESC, c.id)
      FROM (SELECT i.kind, i.id, i.published_at, jsonb_build_object(
          'kind', i.kind, 'id', i.id, 'type', i.type, 'illustrative', i.illustrative,
          'valid_from', i.valid_from, 'valid_until', i.valid_until,
          'investor_types', i.investor_types, 'min_investment', i.min_investment, 'max_investment', i.max_investment,
          'investment_currency', i.investment_currency, 'min_jobs', i.min_jobs, 'residence_abroad', i.residence_abroad,
          'sectors', i.sectors, 'region_codes', coalesce(i.region_codes, '{}'),
          -- names from regions itself: renaming a region (whose trigger rebuilds every row)
          -- shows at once
          'region_names', ARRAY(SELECT r.name FROM unnest(i.region_codes) WITH ORDINALITY u (code, n)
            JOIN regions r ON r.country_code = i.country_code AND r.code = u.code ORDER BY u.n),
          'names', (SELECT jsonb_object_agg(n.lang_key, jsonb_build_array(n.lang, n.title_text))
            FROM read_items n WHERE n.kind = i.kind AND n.id = i.id)) AS doc
        FROM read_items i
        WHERE i.kind IN ('incentives', 'programmes') AND i.country_code = co.code AND i.lang_key = '') c), '[]') AS candidates
  FROM countries co WHERE co.code = ANY(codes)) x
  ON CONFLICT (country_code) DO UPDATE SET regions = excluded.regions, candidates = excluded.candidates,
    version = excluded.version
  -- An unchanged row keeps its version (instances keep what they decoded) and is not written.
  WHERE (read_eligibility.regions, read_eligibility.candidates) IS DISTINCT FROM (excluded.regions, excluded.candidates)
$$;

-- The countries whose incentives or programmes a change of read_items touched.
CREATE FUNCTION read_eligibility_items_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  codes char(2)[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT country_code) INTO codes FROM new_rows WHERE kind <> 'opportunities';
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT country_code) INTO codes FROM old_rows WHERE kind <> 'opportunities';
  ELSE
    SELECT array_agg(DISTINCT country_code) INTO codes FROM (
      SELECT country_code FROM new_rows WHERE kind <> 'opportunities'
      UNION SELECT country_code FROM old_rows WHERE kind <> 'opportunities') x;
  END IF;
  IF codes IS NOT NULL THEN
    PERFORM read_eligibility_refresh(codes);
  END IF;
  RETURN NULL;
END $$;

-- Regions change rarely (a seed, an administrator): every country is rebuilt.
CREATE FUNCTION read_eligibility_regions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM read_eligibility_refresh(ARRAY(SELECT code FROM countries));
  RETURN NULL;
END $$;

-- A new country has its (empty) row at once.
CREATE FUNCTION read_eligibility_country_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM read_eligibility_refresh(ARRAY(SELECT code FROM new_rows));
  RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER read_eligibility_items_insert AFTER INSERT ON read_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_items_changed();
CREATE TRIGGER read_eligibility_items_update AFTER UPDATE ON read_items
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_items_changed();
CREATE TRIGGER read_eligibility_items_delete AFTER DELETE ON read_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_items_changed();
CREATE TRIGGER read_eligibility_regions AFTER INSERT OR UPDATE OR DELETE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_regions_changed();
CREATE TRIGGER read_eligibility_country_insert AFTER INSERT ON countries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_eligibility_country_added();

-- The existing data.
SELECT read_eligibility_refresh(ARRAY(SELECT code FROM countries));

-- +goose Down
DROP TRIGGER read_eligibility_country_insert ON countries;
DROP TRIGGER read_eligibility_regions ON regions;
DROP TRIGGER read_eligibility_items_delete ON read_items;
DROP TRIGGER read_eligibility_items_update ON read_items;
DROP TRIGGER read_eligibility_items_insert ON read_items;
DROP FUNCTION read_eligibility_country_added();
DROP FUNCTION read_eligibility_regions_changed();
DROP FUNCTION read_eligibility_items_changed();
DROP FUNCTION read_eligibility_refresh(char(2)[]);
DROP TABLE read_eligibility;
