-- +goose Up
-- read_model_refresh (00065) takes a transaction lock per kind before it changes facet counts.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION read_model_refresh(k text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- One writer of a kind's facet counts at a time, until commit: an edit subtracts its item's
  -- old counts and adds its new ones, row by row in no fixed order, so two concurrent edits in
  -- one country could otherwise lock the same counts in opposite orders and deadlock. Editors'
  -- writes are rare; the wait is the rest of the other writer's transaction.
  PERFORM pg_advisory_xact_lock(hashtext('read_facets'), hashtext(k));
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
  -- In the index's order: a bulk load then appends to its pages instead of writing all over it.
  INSERT INTO read_terms SELECT * FROM read_model_terms(k, ids) ORDER BY 1, 2, 3, 4 DESC, 5 DESC;
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
    DELETE FROM read_facets f WHERE f.kind = k;
  ELSE
    DELETE FROM read_terms t USING read_model_terms(k, ids) o
    WHERE t.kind = o.kind AND t.field = o.field AND t.term = o.term AND t.published_at = o.published_at AND t.id = o.id;
    UPDATE read_facets f SET items = f.items - o.items FROM read_model_facet_counts(k, ids) o
    WHERE f.kind = o.kind AND f.country_code = o.country_code AND f.facet = o.facet AND f.code = o.code
      AND f.illustrative = o.illustrative AND f.deadline = o.deadline;
  END IF;
  PERFORM read_model_refresh_rows(k, ids);
  -- In the index's order: a bulk load then appends to its pages instead of writing all over it.
  INSERT INTO read_terms SELECT * FROM read_model_terms(k, ids) ORDER BY 1, 2, 3, 4 DESC, 5 DESC;
  INSERT INTO read_facets SELECT * FROM read_model_facet_counts(k, ids)
  ON CONFLICT (kind, country_code, facet, code, illustrative, deadline)
  DO UPDATE SET items = read_facets.items + excluded.items;
  IF ids IS NOT NULL THEN
    DELETE FROM read_facets f WHERE f.kind = k AND f.items = 0;
  END IF;
END
$$;
-- +goose StatementEnd
