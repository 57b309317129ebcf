-- Kabuverdianu (Cabo Verdean Creole, kea) has no stemmer of its own in PostgreSQL. Its
-- vocabulary is mostly of Portuguese origin ("investimentu", "turismu", "imigranti"), so kea
-- text is indexed and searched with the Portuguese configuration: Portuguese stop words,
-- accents ignored (unaccent), then the Portuguese stemmer. Before this, kea was searched word
-- by word (simple_unaccent). Only the mapping changes; the other languages keep theirs.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE split_part(lang, '-', 1)
    WHEN 'pt' THEN 'pt_unaccent' WHEN 'kea' THEN 'pt_unaccent'
    WHEN 'en' THEN 'en_unaccent' WHEN 'fr' THEN 'fr_unaccent'
    WHEN 'es' THEN 'es_unaccent' WHEN 'it' THEN 'it_unaccent' WHEN 'nl' THEN 'nl_unaccent'
    ELSE 'simple_unaccent' END::regconfig
$$;
-- +goose StatementEnd
-- Search documents already holding kea text are rebuilt with the new configuration: the
-- translations are written again, which fires the triggers that rebuild them (an UPDATE that
-- changes nothing would not). A no-op on a fresh database.
CREATE TEMPORARY TABLE kea_opportunity AS SELECT * FROM opportunity_translations WHERE lang = 'kea';
DELETE FROM opportunity_translations WHERE lang = 'kea';
INSERT INTO opportunity_translations SELECT * FROM kea_opportunity;
CREATE TEMPORARY TABLE kea_incentive AS SELECT * FROM incentive_translations WHERE lang = 'kea';
DELETE FROM incentive_translations WHERE lang = 'kea';
INSERT INTO incentive_translations SELECT * FROM kea_incentive;
CREATE TEMPORARY TABLE kea_programme AS SELECT * FROM programme_translations WHERE lang = 'kea';
DELETE FROM programme_translations WHERE lang = 'kea';
INSERT INTO programme_translations SELECT * FROM kea_programme;
SELECT refresh_guide_text(guide_id) FROM guide_translations WHERE lang = 'kea';
DROP TABLE kea_opportunity, kea_incentive, kea_programme;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE split_part(lang, '-', 1)
    WHEN 'pt' THEN 'pt_unaccent' WHEN 'en' THEN 'en_unaccent' WHEN 'fr' THEN 'fr_unaccent'
    WHEN 'es' THEN 'es_unaccent' WHEN 'it' THEN 'it_unaccent' WHEN 'nl' THEN 'nl_unaccent'
    ELSE 'simple_unaccent' END::regconfig
$$;
-- +goose StatementEnd
