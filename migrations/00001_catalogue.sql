-- The catalogue: countries, regions, sectors, organizations, and the three kinds of content
-- (opportunities, incentives, programmes) with their translations.
--
-- Conventions: codes are CHECKed here so that a bad row cannot be written by any client; every
-- content kind keeps its language-neutral fields in one table and its text in a *_translations
-- table (one row per language); search_document and langs on the parent are maintained by triggers
-- so that lists and search read one row per item.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Accent-insensitive, stemmed text search per content language. A word goes through three
-- dictionaries: the language's stop words first (their lists are accented: "não", "été"), then
-- the unaccent filter, then the stemmer, so "São Vicente", "sao vicente" and "SÃO VICENTE" index
-- and match alike, and "não" is ignored like "the".
CREATE TEXT SEARCH DICTIONARY pt_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = portuguese, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION pt_unaccent (COPY = pg_catalog.portuguese);
ALTER TEXT SEARCH CONFIGURATION pt_unaccent ALTER MAPPING FOR hword, hword_part, word WITH pt_stop, unaccent, portuguese_stem;
CREATE TEXT SEARCH DICTIONARY en_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION en_unaccent (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION en_unaccent ALTER MAPPING FOR hword, hword_part, word WITH en_stop, unaccent, english_stem;
CREATE TEXT SEARCH DICTIONARY fr_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = french, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word WITH fr_stop, unaccent, french_stem;
CREATE TEXT SEARCH DICTIONARY es_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = spanish, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION es_unaccent ALTER MAPPING FOR hword, hword_part, word WITH es_stop, unaccent, spanish_stem;
CREATE TEXT SEARCH DICTIONARY it_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = italian, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION it_unaccent (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION it_unaccent ALTER MAPPING FOR hword, hword_part, word WITH it_stop, unaccent, italian_stem;
CREATE TEXT SEARCH DICTIONARY nl_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = dutch, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION nl_unaccent (COPY = pg_catalog.dutch);
ALTER TEXT SEARCH CONFIGURATION nl_unaccent ALTER MAPPING FOR hword, hword_part, word WITH nl_stop, unaccent, dutch_stem;
CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION simple_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- search_config maps a content language to its text search configuration; languages without a
-- stemmer (Cabo Verdean Creole, kea, among them) are indexed word by word, accents ignored.
-- +goose StatementBegin
CREATE FUNCTION search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE split_part(lang, '-', 1)
    WHEN 'pt' THEN 'pt_unaccent' WHEN 'en' THEN 'en_unaccent' WHEN 'fr' THEN 'fr_unaccent'
    WHEN 'es' THEN 'es_unaccent' WHEN 'it' THEN 'it_unaccent' WHEN 'nl' THEN 'nl_unaccent'
    ELSE 'simple_unaccent' END::regconfig
$$;
-- +goose StatementEnd

-- search_query parses a user's search text once per language and ORs the results, so that a
-- query matches an item in whichever language its text is written. NULL when nothing is left
-- to search for (only stop words or punctuation).
-- +goose StatementBegin
CREATE FUNCTION search_query(q text, langs text[]) RETURNS tsquery
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

CREATE DOMAIN lang_code AS text CHECK (VALUE ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
CREATE DOMAIN slug AS text CHECK (VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(VALUE) <= 100);
CREATE DOMAIN code AS text CHECK (VALUE ~ '^[a-z][a-z0-9_]*$' AND length(VALUE) <= 50);
CREATE DOMAIN money_amount AS numeric(18, 2) CHECK (VALUE >= 0);

CREATE TABLE currencies (
  code        char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
  minor_units smallint NOT NULL DEFAULT 2 CHECK (minor_units BETWEEN 0 AND 4)
);

-- Reference rates: how many units of currency one euro buys on as_of. The latest row per
-- currency is the one in use; history is kept so that shown conversions can cite their date.
CREATE TABLE exchange_rates (
  currency char(3) NOT NULL REFERENCES currencies,
  as_of    date NOT NULL,
  per_eur  numeric(20, 8) NOT NULL CHECK (per_eur > 0),
  source   text NOT NULL,
  PRIMARY KEY (currency, as_of)
);

-- eur_rate is the latest rate of a currency (units per euro); NULL when none is known.
-- +goose StatementBegin
CREATE FUNCTION eur_rate(currency char(3)) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.per_eur FROM exchange_rates r WHERE r.currency = eur_rate.currency ORDER BY r.as_of DESC LIMIT 1
$$;
-- +goose StatementEnd

CREATE TABLE sectors (
  code     code PRIMARY KEY,
  position smallint NOT NULL UNIQUE
);
-- The sector taxonomy is fixed by the product (DESIGN.md, "Codes"); labels come from locales/.
INSERT INTO sectors (code, position) VALUES
  ('tourism', 1), ('blue_economy', 2), ('renewable_energy', 3), ('agribusiness', 4), ('ict', 5),
  ('creative_industries', 6), ('real_estate', 7), ('transport_logistics', 8), ('health', 9),
  ('education', 10), ('manufacturing', 11), ('commerce', 12), ('financial_services', 13);

CREATE TABLE countries (
  code        char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
  currency    char(3) NOT NULL REFERENCES currencies,
  source_lang lang_code NOT NULL,
  langs       text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE country_translations (
  country_code char(2) NOT NULL REFERENCES countries ON DELETE CASCADE,
  lang         lang_code NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  summary      text NOT NULL DEFAULT '',
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (country_code, lang)
);

CREATE TABLE diaspora_facts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country_code      char(2) NOT NULL REFERENCES countries ON DELETE CASCADE,
  position          smallint NOT NULL,
  metric            text NOT NULL CHECK (metric IN ('diaspora_size', 'resident_population',
                      'remittances_gdp_share', 'remittances_volume', 'residence_country_diaspora')),
  value             numeric NOT NULL,
  unit              text NOT NULL CHECK (unit IN ('persons', 'percent') OR unit ~ '^[A-Z]{3}$'),
  residence_country char(2) CHECK (residence_country ~ '^[A-Z]{2}$'),
  year              smallint NOT NULL CHECK (year BETWEEN 1900 AND 2100),
  source_title      text NOT NULL,
  source_url        text NOT NULL CHECK (source_url ~ '^https?://'),
  UNIQUE (country_code, position),
  CHECK ((metric = 'residence_country_diaspora') = (residence_country IS NOT NULL))
);

CREATE TABLE regions (
  country_code char(2) NOT NULL REFERENCES countries ON DELETE CASCADE,
  code         code NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind         text NOT NULL CHECK (kind IN ('island', 'province', 'state', 'region', 'department', 'district')),
  position     smallint NOT NULL,
  PRIMARY KEY (country_code, code)
);
CREATE INDEX regions_code ON regions (code);

CREATE TABLE organizations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug         slug NOT NULL UNIQUE,
  country_code char(2) REFERENCES countries,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  acronym      text,
  type         text NOT NULL CHECK (type IN ('investment_promotion_agency', 'ministry',
                 'development_bank', 'chamber', 'diaspora_association', 'private_promoter', 'ngo',
                 'public_agency', 'financial_institution', 'international_organization')),
  website      text CHECK (website ~ '^https?://'),
  verified     boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- Only international organizations (the African Union, IOM) belong to no country.
  CHECK (country_code IS NOT NULL OR type = 'international_organization')
);
CREATE INDEX organizations_country ON organizations (country_code);

-- ---------------------------------------------------------------------------------------------
-- Content. The three kinds share: id, slug, country, owning organization, workflow status,
-- source language, the languages it exists in, provenance (illustrative, source), search
-- document, timestamps. Published rows always have published_at.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE incentives (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug                slug NOT NULL UNIQUE,
  country_code        char(2) NOT NULL REFERENCES countries,
  organization_id     uuid NOT NULL REFERENCES organizations,
  type                text NOT NULL CHECK (type IN ('tax', 'customs', 'financing', 'land', 'residency', 'other')),
  status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
  source_lang         lang_code NOT NULL,
  langs               text[] NOT NULL DEFAULT '{}',
  legal_instrument    text NOT NULL CHECK (length(legal_instrument) BETWEEN 1 AND 500),
  legal_article       text,
  legal_url           text CHECK (legal_url ~ '^https?://'),
  valid_from          date,
  valid_until         date,
  investor_types      text[] NOT NULL DEFAULT '{}' CHECK (investor_types <@ ARRAY['diaspora', 'foreign', 'national']),
  min_investment      money_amount,
  max_investment      money_amount,
  investment_currency char(3) REFERENCES currencies,
  min_jobs            integer CHECK (min_jobs >= 0),
  residence_abroad    boolean,
  illustrative        boolean NOT NULL DEFAULT false,
  source_title        text,
  source_url          text CHECK (source_url ~ '^https?://'),
  search_document     tsvector NOT NULL DEFAULT ''::tsvector,
  published_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, country_code),
  CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from),
  CHECK (min_investment IS NULL OR max_investment IS NULL OR min_investment <= max_investment),
  CHECK ((min_investment IS NULL AND max_investment IS NULL) OR investment_currency IS NOT NULL),
  CHECK (status NOT IN ('published', 'archived') OR published_at IS NOT NULL)
);

CREATE TABLE incentive_translations (
  incentive_id uuid NOT NULL REFERENCES incentives ON DELETE CASCADE,
  lang         lang_code NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  summary      text NOT NULL CHECK (length(summary) <= 2000),
  description  text NOT NULL CHECK (length(description) <= 20000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incentive_id, lang)
);

CREATE TABLE incentive_benefits (
  incentive_id       uuid NOT NULL REFERENCES incentives ON DELETE CASCADE,
  position           smallint NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('tax_credit', 'tax_exemption', 'tax_reduction',
                       'duty_exemption', 'grant', 'loan', 'guarantee', 'interest_subsidy', 'land',
                       'residency', 'other')),
  tax                text CHECK (tax IN ('irpc', 'irps', 'iur', 'iup', 'vat', 'import_duty',
                       'stamp_duty', 'property_transfer', 'income_tax', 'other')),
  percent            numeric(6, 3) CHECK (percent BETWEEN 0 AND 100),
  cap_percent_of_tax numeric(6, 3) CHECK (cap_percent_of_tax BETWEEN 0 AND 100),
  duration_years     smallint CHECK (duration_years > 0),
  amount             money_amount,
  currency           char(3) REFERENCES currencies,
  PRIMARY KEY (incentive_id, position),
  CHECK ((amount IS NULL) = (currency IS NULL))
);

CREATE TABLE incentive_sectors (
  incentive_id uuid NOT NULL REFERENCES incentives ON DELETE CASCADE,
  sector_code  text NOT NULL REFERENCES sectors,
  PRIMARY KEY (incentive_id, sector_code)
);
CREATE INDEX incentive_sectors_sector ON incentive_sectors (sector_code, incentive_id);

CREATE TABLE incentive_regions (
  incentive_id uuid NOT NULL,
  country_code char(2) NOT NULL,
  region_code  text NOT NULL,
  PRIMARY KEY (incentive_id, region_code),
  FOREIGN KEY (incentive_id, country_code) REFERENCES incentives (id, country_code) ON DELETE CASCADE,
  FOREIGN KEY (country_code, region_code) REFERENCES regions
);
CREATE INDEX incentive_regions_region ON incentive_regions (region_code, incentive_id);

CREATE TABLE programmes (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug                slug NOT NULL UNIQUE,
  country_code        char(2) NOT NULL REFERENCES countries,
  organization_id     uuid NOT NULL REFERENCES organizations,
  operator_id         uuid NOT NULL REFERENCES organizations,
  type                text NOT NULL CHECK (type IN ('financing', 'guarantee', 'grant',
                        'technical_assistance', 'training', 'incubation', 'reintegration')),
  status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
  source_lang         lang_code NOT NULL,
  langs               text[] NOT NULL DEFAULT '{}',
  url                 text CHECK (url ~ '^https?://'),
  max_amount          money_amount,
  max_amount_currency char(3) REFERENCES currencies,
  valid_from          date,
  valid_until         date,
  investor_types      text[] NOT NULL DEFAULT '{}' CHECK (investor_types <@ ARRAY['diaspora', 'foreign', 'national']),
  min_investment      money_amount,
  max_investment      money_amount,
  investment_currency char(3) REFERENCES currencies,
  min_jobs            integer CHECK (min_jobs >= 0),
  residence_abroad    boolean,
  illustrative        boolean NOT NULL DEFAULT false,
  source_title        text,
  source_url          text CHECK (source_url ~ '^https?://'),
  search_document     tsvector NOT NULL DEFAULT ''::tsvector,
  published_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, country_code),
  CHECK ((max_amount IS NULL) = (max_amount_currency IS NULL)),
  CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from),
  CHECK (min_investment IS NULL OR max_investment IS NULL OR min_investment <= max_investment),
  CHECK ((min_investment IS NULL AND max_investment IS NULL) OR investment_currency IS NOT NULL),
  CHECK (status NOT IN ('published', 'archived') OR published_at IS NOT NULL)
);

CREATE TABLE programme_translations (
  programme_id uuid NOT NULL REFERENCES programmes ON DELETE CASCADE,
  lang         lang_code NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  summary      text NOT NULL CHECK (length(summary) <= 2000),
  description  text NOT NULL CHECK (length(description) <= 20000),
  how_to_apply text NOT NULL DEFAULT '' CHECK (length(how_to_apply) <= 5000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (programme_id, lang)
);

CREATE TABLE programme_sectors (
  programme_id uuid NOT NULL REFERENCES programmes ON DELETE CASCADE,
  sector_code  text NOT NULL REFERENCES sectors,
  PRIMARY KEY (programme_id, sector_code)
);
CREATE INDEX programme_sectors_sector ON programme_sectors (sector_code, programme_id);

CREATE TABLE programme_regions (
  programme_id uuid NOT NULL,
  country_code char(2) NOT NULL,
  region_code  text NOT NULL,
  PRIMARY KEY (programme_id, region_code),
  FOREIGN KEY (programme_id, country_code) REFERENCES programmes (id, country_code) ON DELETE CASCADE,
  FOREIGN KEY (country_code, region_code) REFERENCES regions
);
CREATE INDEX programme_regions_region ON programme_regions (region_code, programme_id);

CREATE TABLE opportunities (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug            slug NOT NULL UNIQUE,
  country_code    char(2) NOT NULL REFERENCES countries,
  organization_id uuid NOT NULL REFERENCES organizations,
  region_code     text,
  instrument      text CHECK (instrument IN ('equity', 'debt', 'joint_venture',
                    'public_private_partnership', 'concession', 'greenfield', 'acquisition')),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
  source_lang     lang_code NOT NULL,
  langs           text[] NOT NULL DEFAULT '{}',
  min_investment  money_amount,
  max_investment  money_amount,
  currency        char(3) REFERENCES currencies,
  jobs            integer CHECK (jobs >= 0),
  deadline        date,
  investor_types  text[] NOT NULL DEFAULT '{}' CHECK (investor_types <@ ARRAY['diaspora', 'foreign', 'national']),
  contact_name    text,
  contact_email   text CHECK (contact_email ~ '^[^@\s]+@[^@\s]+$'),
  contact_phone   text,
  contact_url     text CHECK (contact_url ~ '^https?://'),
  illustrative    boolean NOT NULL DEFAULT false,
  source_title    text,
  source_url      text CHECK (source_url ~ '^https?://'),
  search_document tsvector NOT NULL DEFAULT ''::tsvector,
  published_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, country_code),
  FOREIGN KEY (country_code, region_code) REFERENCES regions,
  CHECK (min_investment IS NULL OR max_investment IS NULL OR min_investment <= max_investment),
  CHECK ((min_investment IS NULL AND max_investment IS NULL) OR currency IS NOT NULL),
  CHECK (status NOT IN ('published', 'archived') OR published_at IS NOT NULL)
);

CREATE TABLE opportunity_translations (
  opportunity_id uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  lang           lang_code NOT NULL,
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  summary        text NOT NULL CHECK (length(summary) <= 2000),
  description    text NOT NULL CHECK (length(description) <= 20000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (opportunity_id, lang)
);

CREATE TABLE opportunity_sectors (
  opportunity_id uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  sector_code    text NOT NULL REFERENCES sectors,
  PRIMARY KEY (opportunity_id, sector_code)
);
CREATE INDEX opportunity_sectors_sector ON opportunity_sectors (sector_code, opportunity_id);

CREATE TABLE opportunity_incentives (
  opportunity_id uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  incentive_id   uuid NOT NULL REFERENCES incentives ON DELETE CASCADE,
  PRIMARY KEY (opportunity_id, incentive_id)
);
CREATE INDEX opportunity_incentives_incentive ON opportunity_incentives (incentive_id);

CREATE TABLE opportunity_programmes (
  opportunity_id uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  programme_id   uuid NOT NULL REFERENCES programmes ON DELETE CASCADE,
  PRIMARY KEY (opportunity_id, programme_id)
);
CREATE INDEX opportunity_programmes_programme ON opportunity_programmes (programme_id);

-- Public lists read published rows newest first, narrowed by country, region, type or sector;
-- these partial indexes serve exactly those reads and stay small as drafts pile up.
CREATE INDEX opportunities_published ON opportunities (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX opportunities_published_country ON opportunities (country_code, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX opportunities_published_region ON opportunities (region_code, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX opportunities_published_instrument ON opportunities (instrument, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX opportunities_investor_types ON opportunities USING gin (investor_types) WHERE status = 'published';
CREATE INDEX opportunities_search ON opportunities USING gin (search_document) WHERE status = 'published';
CREATE INDEX opportunities_organization ON opportunities (organization_id);

CREATE INDEX incentives_published ON incentives (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX incentives_published_country ON incentives (country_code, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX incentives_published_type ON incentives (type, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX incentives_investor_types ON incentives USING gin (investor_types) WHERE status = 'published';
CREATE INDEX incentives_search ON incentives USING gin (search_document) WHERE status = 'published';
CREATE INDEX incentives_organization ON incentives (organization_id);

CREATE INDEX programmes_published ON programmes (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX programmes_published_country ON programmes (country_code, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX programmes_published_type ON programmes (type, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX programmes_investor_types ON programmes USING gin (investor_types) WHERE status = 'published';
CREATE INDEX programmes_search ON programmes USING gin (search_document) WHERE status = 'published';
CREATE INDEX programmes_organization ON programmes (organization_id);
CREATE INDEX programmes_operator ON programmes (operator_id);

-- Triggers that keep each parent's langs and search_document in step with its translations.
-- Title or name weighs most (A), then summary (B), then the long text (C); each translation is
-- analysed with its own language's configuration, and the parent holds the union, so one GIN
-- index answers a search in any language.
CREATE AGGREGATE tsvector_concat_all(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');

-- +goose StatementBegin
CREATE FUNCTION refresh_opportunity_text() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.opportunity_id ELSE NEW.opportunity_id END;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL; -- nothing changed (a seed reload)
  END IF;
  UPDATE opportunities p SET
    updated_at = now(),
    langs = coalesce((SELECT array_agg(t.lang::text ORDER BY t.lang) FROM opportunity_translations t WHERE t.opportunity_id = target), '{}'),
    search_document = coalesce((
      SELECT tsvector_concat_all(
               setweight(to_tsvector(search_config(t.lang), t.title), 'A') ||
               setweight(to_tsvector(search_config(t.lang), t.summary), 'B') ||
               setweight(to_tsvector(search_config(t.lang), t.description), 'C')
        ORDER BY t.lang)
      FROM opportunity_translations t WHERE t.opportunity_id = target), ''::tsvector)
  WHERE p.id = target;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER opportunity_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON opportunity_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_opportunity_text();

-- +goose StatementBegin
CREATE FUNCTION refresh_incentive_text() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.incentive_id ELSE NEW.incentive_id END;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL; -- nothing changed (a seed reload)
  END IF;
  UPDATE incentives p SET
    updated_at = now(),
    langs = coalesce((SELECT array_agg(t.lang::text ORDER BY t.lang) FROM incentive_translations t WHERE t.incentive_id = target), '{}'),
    search_document = coalesce((
      SELECT tsvector_concat_all(
               setweight(to_tsvector(search_config(t.lang), t.name), 'A') ||
               setweight(to_tsvector(search_config(t.lang), t.summary), 'B') ||
               setweight(to_tsvector(search_config(t.lang), t.description), 'C')
        ORDER BY t.lang)
      FROM incentive_translations t WHERE t.incentive_id = target), ''::tsvector)
  WHERE p.id = target;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER incentive_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON incentive_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_incentive_text();

-- +goose StatementBegin
CREATE FUNCTION refresh_programme_text() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.programme_id ELSE NEW.programme_id END;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL; -- nothing changed (a seed reload)
  END IF;
  UPDATE programmes p SET
    updated_at = now(),
    langs = coalesce((SELECT array_agg(t.lang::text ORDER BY t.lang) FROM programme_translations t WHERE t.programme_id = target), '{}'),
    search_document = coalesce((
      SELECT tsvector_concat_all(
               setweight(to_tsvector(search_config(t.lang), t.name), 'A') ||
               setweight(to_tsvector(search_config(t.lang), t.summary), 'B') ||
               setweight(to_tsvector(search_config(t.lang), t.description || ' ' || t.how_to_apply), 'C')
        ORDER BY t.lang)
      FROM programme_translations t WHERE t.programme_id = target), ''::tsvector)
  WHERE p.id = target;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER programme_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON programme_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_programme_text();

-- Writers set updated_at = now() on every update; this trigger keeps the old value when nothing
-- else changed, so reloading the seed or saving an unchanged form does not make content look
-- new. A change of text changes the parent's search document, so it does count.
-- +goose StatementBegin
CREATE FUNCTION keep_updated_at_when_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER countries_updated_at BEFORE UPDATE ON countries FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER country_translations_updated_at BEFORE UPDATE ON country_translations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER organizations_updated_at BEFORE UPDATE ON organizations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER incentives_updated_at BEFORE UPDATE ON incentives FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER incentive_translations_updated_at BEFORE UPDATE ON incentive_translations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER programmes_updated_at BEFORE UPDATE ON programmes FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER programme_translations_updated_at BEFORE UPDATE ON programme_translations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER opportunities_updated_at BEFORE UPDATE ON opportunities FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();
CREATE TRIGGER opportunity_translations_updated_at BEFORE UPDATE ON opportunity_translations FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();

-- +goose Down
DROP TABLE IF EXISTS opportunity_programmes, opportunity_incentives, opportunity_sectors,
  opportunity_translations, opportunities, programme_regions, programme_sectors,
  programme_translations, programmes, incentive_regions, incentive_sectors, incentive_benefits,
  incentive_translations, incentives, organizations, regions, diaspora_facts,
  country_translations, countries, sectors, exchange_rates, currencies CASCADE;
DROP FUNCTION IF EXISTS refresh_opportunity_text(), refresh_incentive_text(), refresh_programme_text(),
  search_query(text, text[]), search_config(text), eur_rate(char), keep_updated_at_when_unchanged();
DROP AGGREGATE IF EXISTS tsvector_concat_all(tsvector);
DROP DOMAIN IF EXISTS lang_code, slug, code, money_amount;
DROP TEXT SEARCH CONFIGURATION IF EXISTS pt_unaccent, en_unaccent, fr_unaccent, es_unaccent,
  it_unaccent, nl_unaccent, simple_unaccent;
DROP TEXT SEARCH DICTIONARY IF EXISTS pt_stop, en_stop, fr_stop, es_stop, it_stop, nl_stop;
