-- Search whose cost follows the page, not the number of matches (issue 16).
--
-- Before it, a search chose between walking the page index in date order (fast for a common
-- word) and reading every match from a GIN index then sorting them (fast for a rare one); the
-- search word is a function's result, unknown when the plan is made, so PostgreSQL always took
-- the GIN path: `make bench` at 100,000 opportunities read and sorted 14,066 title matches of
-- "hotel" for each page (EXPLAIN ANALYZE: 78 ms, 4,770 heap pages).
--
-- read_terms is an inverted index kept as B-tree rows, one per item and term, in date order:
-- - field 'w': a word of a title as written (accents and case removed, no stemming);
-- - field 'a': a lexeme of the title part of the search document (weight A);
-- - field 'c': a lexeme of the rest of the document (summary and text) not in the title.
-- A search reads, for each way the query is parsed (one per search language, search_plan), the
-- postings of one lexeme every match must contain, newest first, and stops after the page:
-- one index range scan of about a page's rows per tier, whatever the number of matches.
-- Each candidate is then checked against the whole query and the list's filters (read_keys).

-- Facet counts kept with the read model: a list's facets by country, the public
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
-- read_model_refresh keeps read_terms and read_facets in the write transaction: the postings
-- and counts of the items' old rows are taken off before their rows are rebuilt, those of the
-- new rows added after (the counts upserted in key order).

-- +goose Up
CREATE TABLE read_terms (
  kind         "char" NOT NULL, -- o, i, p: the first letter of the kind
  field        "char" NOT NULL,
  term         text NOT NULL,
  published_at timestamptz NOT NULL,
  id           uuid NOT NULL,
  country_code char(2) NOT NULL
);

-- read_model_terms are the postings of the items ids of a kind (NULL: all), from their rows
-- in read_keys and read_items: what read_terms holds for them.
-- +goose StatementBegin
CREATE FUNCTION read_model_terms(k text, ids uuid[])
RETURNS TABLE (kind "char", field "char", term text, published_at timestamptz, id uuid, country_code char(2))
LANGUAGE sql STABLE AS $$
  SELECT left(k, 1)::"char", f.field, f.term, r.published_at, r.id, r.country_code
  FROM read_keys r
  CROSS JOIN LATERAL (
    SELECT 'a'::"char" AS field, x AS term FROM unnest(tsvector_to_array(r.title_document)) x
    UNION ALL
    SELECT 'c'::"char", x FROM unnest(tsvector_to_array(r.search_document)) x
      WHERE NOT x = ANY(tsvector_to_array(r.title_document))
    UNION ALL
    -- Each translation's title once (its own language's row, and the row of no preference).
    SELECT 'w'::"char", x FROM unnest(tsvector_to_array((
      SELECT to_tsvector('simple_unaccent', string_agg(DISTINCT i.title_text, ' ')) FROM read_items i
      WHERE i.kind = k AND i.id = r.id AND (i.lang = i.lang_key OR i.lang_key = '')))) x) f
  WHERE r.kind = k AND r.sector_key = '' AND (ids IS NULL OR r.id = ANY(ids))
$$;
-- +goose StatementEnd

INSERT INTO read_terms SELECT * FROM read_model_terms('opportunities', NULL);
INSERT INTO read_terms SELECT * FROM read_model_terms('incentives', NULL);
INSERT INTO read_terms SELECT * FROM read_model_terms('programmes', NULL);
-- A tier's page: the postings of a term, newest first (index-only); a search in one country
-- skips the others' postings in the index, without reading their rows.
CREATE UNIQUE INDEX read_terms_page ON read_terms (kind, field, term, published_at DESC, id DESC) INCLUDE (country_code);

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

-- The read model's rows are rebuilt by read_model_refresh_rows (00040's function, renamed);
-- read_model_refresh keeps read_terms and read_facets in step, in the same transaction.
ALTER FUNCTION read_model_refresh(text, uuid[]) RENAME TO read_model_refresh_rows;

-- +goose StatementBegin
CREATE FUNCTION read_model_refresh(k text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
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

-- search_lexemes are the lexemes of a parsed query that every match contains (a query of
-- words and phrases only); NULL when it has an OR, a NOT or a prefix. (PL/pgSQL, like the
-- functions below, so that a session plans their statements once: SQL functions called from
-- search_plan were planned again on each call.)
-- +goose StatementBegin
CREATE FUNCTION search_lexemes(part tsquery) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF regexp_replace(part::text, '''(?:[^'']|'''')*''', '', 'g') ~ '[|!*]' THEN
    RETURN NULL;
  END IF;
  RETURN ARRAY(SELECT DISTINCT replace(m[1], '''''', '''')
    FROM regexp_matches(part::text, '''((?:[^'']|'''')*)''', 'g') AS m);
END
$$;
-- +goose StatementEnd

-- search_rarest is the lexeme of several with the fewest postings in fields (counted up to
-- 100, an index-only probe each), the longest on a tie: the one whose postings a page walks.
-- +goose StatementBegin
CREATE FUNCTION search_rarest(k "char", fields "char"[], lexemes text[]) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF cardinality(lexemes) = 1 THEN
    RETURN lexemes[1];
  END IF;
  RETURN (SELECT x FROM unnest(lexemes) x
    ORDER BY (SELECT count(*) FROM (SELECT 1 FROM read_terms t
        WHERE t.kind = k AND t.field = ANY(fields) AND t.term = x LIMIT 100) c),
      length(x) DESC, x
    LIMIT 1);
END
$$;
-- +goose StatementEnd

-- search_plan parses a search as search_query does (sq), and gives what read_terms is walked
-- by: terms, one lexeme per distinct parse (each match of that parse contains it), NULL when a
-- parse has an OR or a NOT (the search then reads read_keys instead); multi, whether a parse
-- has several lexemes (a title posting may then still be a text-only match); eq, the words as
-- typed (simple_unaccent), and exact, its words, the rarest first.
-- +goose StatementBegin
CREATE FUNCTION search_plan(q text, langs text[], k "char",
  OUT sq tsquery, OUT terms text[], OUT multi boolean, OUT eq tsquery, OUT exact text[])
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  part tsquery;
  seen text[] := '{}';
  l text;
  lexemes text[];
  complex boolean := false;
BEGIN
  multi := false;
  terms := '{}';
  FOREACH l IN ARRAY coalesce(langs, '{}') LOOP
    part := websearch_to_tsquery(search_config(l), q);
    IF numnode(part) = 0 OR part::text = ANY(seen) THEN
      CONTINUE;
    END IF;
    seen := seen || part::text;
    sq := CASE WHEN sq IS NULL THEN part ELSE sq || part END;
    lexemes := search_lexemes(part);
    IF lexemes IS NULL THEN
      complex := true;
    ELSE
      multi := multi OR cardinality(lexemes) > 1;
      lexemes := ARRAY[search_rarest(k, '{a,c}', lexemes)];
      IF NOT lexemes[1] = ANY(terms) THEN
        terms := terms || lexemes;
      END IF;
    END IF;
  END LOOP;
  IF sq IS NULL OR complex THEN
    terms := NULL;
  END IF;
  eq := websearch_to_tsquery('simple_unaccent', q);
  exact := search_lexemes(eq);
  IF sq IS NULL OR exact IS NULL OR cardinality(exact) = 0 THEN
    eq := NULL;
    exact := NULL;
  ELSE
    l := search_rarest(k, '{w}', exact);
    exact := l || array_remove(exact, l);
  END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION search_plan(text, text[], "char");
DROP FUNCTION search_rarest("char", "char"[], text[]);
DROP FUNCTION search_lexemes(tsquery);
DROP FUNCTION read_model_refresh(text, uuid[]);
ALTER FUNCTION read_model_refresh_rows(text, uuid[]) RENAME TO read_model_refresh;
DROP FUNCTION read_model_terms(text, uuid[]);
DROP TABLE read_terms;
DROP FUNCTION read_model_facet_counts(text, uuid[]);
DROP TABLE read_facets;
