-- search_query parses a search once per language and ORs the results; for most words several
-- languages give the same query ('hotel' in en, fr, pt and simple gave 'hotel' | 'hotel' |
-- 'hotel' | 'hotel'), and ts_rank_cd, which scores every match of a search, spends its time
-- per term of the query. Each distinct parse is now ORed once: the same items match, with the
-- same relevance (checked on the bench catalogue: 39 words and phrases, 157,557 matches, no
-- difference). EXPLAIN ANALYZE on 20,000 opportunities: 'hotel' 64 -> 13 ms, 'solar' (which
-- stays 'solar' | 'sol') 33 -> 19 ms.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_query(q text, langs text[]) RETURNS tsquery
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  result tsquery;
  part tsquery;
  seen text[] := '{}';
  l text;
BEGIN
  FOREACH l IN ARRAY coalesce(langs, '{}') LOOP
    part := websearch_to_tsquery(search_config(l), q);
    IF numnode(part) > 0 AND NOT part::text = ANY(seen) THEN
      seen := seen || part::text;
      result := CASE WHEN result IS NULL THEN part ELSE result || part END;
    END IF;
  END LOOP;
  RETURN result;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_query(q text, langs text[]) RETURNS tsquery
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  result tsquery;
  part tsquery;
  l text;
BEGIN
  FOREACH l IN ARRAY coalesce(langs, '{}') LOOP
    part := websearch_to_tsquery(search_config(l), q);
    IF numnode(part) > 0 THEN
      result := CASE WHEN result IS NULL THEN part ELSE result || part END;
    END IF;
  END LOOP;
  RETURN result;
END
$$;
-- +goose StatementEnd
