-- Guides: "the steps to invest" in a country (DESIGN.md, "How to invest"; issue 17). A guide is
-- a localized, sourced procedure: registering a company, the emigrant-investor certificate, an
-- establishment agreement for a large project, opening an emigrant account… Each step names the
-- office, the documents, the cost and the usual time where the sources give them, and NULL where
-- they do not (the reader is told "not found in the sources", never a guess).
--
-- Like the other content, a guide keeps its language-neutral fields in one row (sources, as_of,
-- the order of its steps), its text per language, and a search document over every language
-- maintained by triggers, so that search reads one row per guide. Guides are linked from the
-- incentives and programmes they explain.

-- +goose Up
CREATE TABLE guides (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug            slug NOT NULL UNIQUE,
  country_code    char(2) NOT NULL REFERENCES countries,
  organization_id uuid NOT NULL REFERENCES organizations,
  position        smallint NOT NULL DEFAULT 0,   -- the country's reading order
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
  source_lang     lang_code NOT NULL,
  langs           text[] NOT NULL DEFAULT '{}',
  illustrative    boolean NOT NULL DEFAULT false,
  -- [{"title", "url", "publisher", "date", "supports"}], as on the other content (00020).
  sources         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  as_of           date NOT NULL,
  search_document tsvector NOT NULL DEFAULT ''::tsvector,
  published_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('published', 'archived') OR published_at IS NOT NULL)
);
CREATE INDEX guides_country ON guides (country_code, position) WHERE status = 'published';
CREATE INDEX guides_search ON guides USING gin (search_document);

CREATE TABLE guide_translations (
  guide_id   uuid NOT NULL REFERENCES guides ON DELETE CASCADE,
  lang       lang_code NOT NULL,
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  summary    text NOT NULL CHECK (length(summary) <= 2000),
  -- who the guide is for, and what to check first (conflicts between sources, outdated rules)
  audience   text NOT NULL DEFAULT '' CHECK (length(audience) <= 2000),
  caveats    text NOT NULL DEFAULT '' CHECK (length(caveats) <= 5000),
  -- machine_made: the text was not written or reviewed by a fluent speaker; shown to readers.
  machine_made boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (guide_id, lang)
);

-- Steps, in order. The language-neutral part: its sources (a subset of the guide's, or more).
CREATE TABLE guide_steps (
  guide_id uuid NOT NULL REFERENCES guides ON DELETE CASCADE,
  position smallint NOT NULL CHECK (position > 0),
  sources  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  PRIMARY KEY (guide_id, position)
);

-- A step's text per language. office, documents, cost and duration are NULL when no source
-- gives them.
CREATE TABLE guide_step_translations (
  guide_id  uuid NOT NULL,
  position  smallint NOT NULL,
  lang      lang_code NOT NULL,
  title     text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body      text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
  office    text CHECK (length(office) <= 1000),
  documents text CHECK (length(documents) <= 2000),
  cost      text CHECK (length(cost) <= 1000),
  duration  text CHECK (length(duration) <= 1000),
  PRIMARY KEY (guide_id, position, lang),
  FOREIGN KEY (guide_id, position) REFERENCES guide_steps ON DELETE CASCADE
);

-- The incentives and programmes a guide explains; their details list it.
CREATE TABLE incentive_guides (
  incentive_id uuid NOT NULL REFERENCES incentives ON DELETE CASCADE,
  guide_id     uuid NOT NULL REFERENCES guides ON DELETE CASCADE,
  PRIMARY KEY (incentive_id, guide_id)
);
CREATE INDEX incentive_guides_guide ON incentive_guides (guide_id);
CREATE TABLE programme_guides (
  programme_id uuid NOT NULL REFERENCES programmes ON DELETE CASCADE,
  guide_id     uuid NOT NULL REFERENCES guides ON DELETE CASCADE,
  PRIMARY KEY (programme_id, guide_id)
);
CREATE INDEX programme_guides_guide ON programme_guides (guide_id);

-- The search document: title (A), summary and audience (B), the steps' titles, bodies and
-- offices (C), in every language, each with its language's configuration (search_config).
-- +goose StatementBegin
CREATE FUNCTION refresh_guide_text(target uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE guides g SET
    updated_at = now(),
    langs = coalesce((SELECT array_agg(t.lang::text ORDER BY t.lang) FROM guide_translations t WHERE t.guide_id = target), '{}'),
    search_document = coalesce((
      SELECT tsvector_concat_all(
               setweight(to_tsvector(search_config(t.lang), t.title), 'A') ||
               setweight(to_tsvector(search_config(t.lang), t.summary || ' ' || t.audience), 'B')
        ORDER BY t.lang)
      FROM guide_translations t WHERE t.guide_id = target), ''::tsvector)
    || coalesce((
      SELECT tsvector_concat_all(
               setweight(to_tsvector(search_config(s.lang),
                 s.title || ' ' || s.body || ' ' || coalesce(s.office, '')), 'C')
        ORDER BY s.lang, s.position)
      FROM guide_step_translations s WHERE s.guide_id = target), ''::tsvector)
  WHERE g.id = target
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_guide_text_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL; -- nothing changed (a seed reload)
  END IF;
  PERFORM refresh_guide_text(CASE WHEN TG_OP = 'DELETE' THEN OLD.guide_id ELSE NEW.guide_id END);
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER guide_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON guide_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_guide_text_trigger();
CREATE TRIGGER guide_step_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON guide_step_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_guide_text_trigger();
CREATE TRIGGER guides_updated_at BEFORE UPDATE ON guides FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER guide_translations_updated_at BEFORE UPDATE ON guide_translations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();

-- Public reads derive from these tables: instances drop their cached responses when they
-- change (00005). Guides are written by the seed loader only, so every change counts.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['guides', 'guide_translations', 'guide_steps', 'guide_step_translations',
    'incentive_guides', 'programme_guides'] LOOP
    EXECUTE format('CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed()', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE programme_guides, incentive_guides, guide_step_translations, guide_steps,
  guide_translations, guides;
DROP FUNCTION refresh_guide_text_trigger(), refresh_guide_text(uuid);
