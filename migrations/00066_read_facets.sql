-- Facet counts kept with the read model (issue 16): a list's facets by country, the public
-- hiding rules aside, are read from read_facets, a few rows per country, instead of counting
-- the country's items on each request (`make bench` at 100,000 opportunities: 3,200 rows
-- aggregated per request, 114 requests/s).
--
-- read_facets holds, per kind, country, facet key, whether the items are examples and their
-- deadline ('infinity' for none), how many published items count under the key: the hiding
-- rules (examples, passed deadlines) are then a filter on a handful of rows, and a deadline
-- passing needs no write. Lists with other filters (sector, region, type, amounts, a search)
-- still count their rows from read_keys.
--
-- read_model_refresh keeps it in the write transaction: the counts of the items' old rows are
-- taken off before their rows are rebuilt, those of the new rows added after (upserts in key
-- order, so that two writers never wait on each other in opposite orders).

-- +goose Up
CREATE TABLE read_facets (
  kind         text NOT NULL,
  country_code char(2) NOT NULL,
  facet        text NOT NULL CHECK (facet IN ('sector', 'region', 'type')),
  code         text NOT NULL,
  illustrative boolean NOT NULL,
  deadline     date NOT NULL,
  items        integer NOT NULL,
  PRIMARY KEY (kind, country_code, facet, code, illustrative, deadline)
);

-- read_model_facet_counts are the counts of the items ids of a kind (NULL: all), from their
-- rows in read_keys, as the facets of a list count them.
-- +goose StatementBegin
CREATE FUNCTION read_model_facet_counts(k text, ids uuid[])
RETURNS TABLE (kind text, country_code char(2), facet text, code text, illustrative boolean, deadline date, items integer)
LANGUAGE sql STABLE AS $$
  SELECT k, r.country_code, f.facet, f.code, r.illustrative, coalesce(r.deadline, 'infinity'), count(*)::integer
  FROM read_keys r
  CROSS JOIN LATERAL (
    SELECT 'sector' AS facet, x AS code FROM unnest(r.sector_keys) x
    UNION ALL SELECT 'region', x FROM unnest(r.region_keys) x
    UNION ALL SELECT 'type', r.type_code WHERE r.type_code IS NOT NULL) f
  WHERE r.kind = k AND r.sector_key = '' AND (ids IS NULL OR r.id = ANY(ids))
  GROUP BY 2, 3, 4, 5, 6
  ORDER BY 2, 3, 4, 5, 6
$$;
-- +goose StatementEnd

INSERT INTO read_facets SELECT * FROM read_model_facet_counts('opportunities', NULL);
INSERT INTO read_facets SELECT * FROM read_model_facet_counts('incentives', NULL);
INSERT INTO read_facets SELECT * FROM read_model_facet_counts('programmes', NULL);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION read_model_refresh(k text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN
    DELETE FROM read_terms t WHERE t.kind = left(k, 1)::"char";
    DELETE FROM read_facets f WHERE f.kind = k;
  ELSE
    DELETE FROM read_terms t USING read_model_terms(k, ids) o
    WHERE t.kind = o.kind AND t.field = o.field AND t.term = o.term AND t.published_at = o.published_at AND t.id = o.id;
    UPDATE read_facets f SET items = f.items - o.items FROM read_model_facet_counts(k, ids) o
    WHERE f.kind = o.kind AND f.country_code = o.country_code AND f.facet = o.facet AND f.code = o.code
      AND f.illustrative = o.illustrative AND f.deadline = o.deadline;
  END IF;
  PERFORM read_model_refresh_rows(k, ids);
  INSERT INTO read_terms SELECT * FROM read_model_terms(k, ids);
  INSERT INTO read_facets SELECT * FROM read_model_facet_counts(k, ids)
  ON CONFLICT (kind, country_code, facet, code, illustrative, deadline)
  DO UPDATE SET items = read_facets.items + excluded.items;
  IF ids IS NOT NULL THEN
    DELETE FROM read_facets f WHERE f.kind = k AND f.items = 0;
  END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION read_model_refresh(k text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN
    DELETE FROM read_terms t WHERE t.kind = left(k, 1)::"char";
  ELSE
    DELETE FROM read_terms t USING read_model_terms(k, ids) o
    WHERE t.kind = o.kind AND t.field = o.field AND t.term = o.term AND t.published_at = o.published_at AND t.id = o.id;
  END IF;
  PERFORM read_model_refresh_rows(k, ids);
  INSERT INTO read_terms SELECT * FROM read_model_terms(k, ids);
END
$$;
-- +goose StatementEnd
DROP FUNCTION read_model_facet_counts(text, uuid[]);
DROP TABLE read_facets;
