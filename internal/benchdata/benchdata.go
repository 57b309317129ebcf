// Package benchdata holds the synthetic catalogue of the benchmark (cmd/bench), which the
// read model's equivalence test loads too.
package benchdata

import (
	"strconv"
	"strings"
)

// The synthetic data set: 30 countries (codes of ISO 3166's user-assigned range, so they never
// meet a real one), five regions and one agency each, a number of opportunities in pt, en and fr
// (one in twenty left in draft), 30 incentives and 10 programmes per country, links from every
// fourth opportunity to an incentive. The incentives and programmes carry eligibility criteria
// of every kind POST /v1/eligibility checks (investor types, residence, sectors, regions,
// investment range, jobs, validity, some expired), so that a situation finds some eligible, some
// not and some undetermined. Everything is derived from row numbers: two loads of the same size
// are identical, and opportunities can be written in ranges by several connections at once.
//
// It comes in parts, so that the benchmark's loader can run them on several connections with
// the indexes set aside (cmd/bench); Load joins them into one script.

// Session creates the generator's temporary tables (words, countries, sectors, the
// descriptions' search vectors): once on every connection that runs Catalogue or Opportunities.
const Session = `
CREATE TEMP TABLE bench_words (lang text, i int, word text);
INSERT INTO bench_words SELECT 'en', i - 1, w FROM unnest(ARRAY['hotel', 'fishing', 'solar', 'farm', 'software',
  'studio', 'housing', 'port', 'clinic', 'school', 'factory', 'market', 'bank']) WITH ORDINALITY AS x(w, i);
INSERT INTO bench_words SELECT 'pt', i - 1, w FROM unnest(ARRAY['hotel', 'pesca', 'solar', 'quinta', 'software',
  'estúdio', 'habitação', 'porto', 'clínica', 'escola', 'fábrica', 'mercado', 'banco']) WITH ORDINALITY AS x(w, i);
INSERT INTO bench_words SELECT 'fr', i - 1, w FROM unnest(ARRAY['hôtel', 'pêche', 'solaire', 'ferme', 'logiciel',
  'studio', 'logement', 'port', 'clinique', 'école', 'usine', 'marché', 'banque']) WITH ORDINALITY AS x(w, i);
CREATE TEMP TABLE bench_countries AS
  SELECT code, (i - 1)::int AS i FROM unnest(ARRAY['XA','XB','XC','XD','XE','XF','XG','XH','XI','XJ','XK','XL','XM',
    'XN','XO','XP','XQ','XR','XS','XT','XU','XV','XW','XX','XY','XZ','QM','QN','QO','QP']) WITH ORDINALITY AS x(code, i);
CREATE TEMP TABLE bench_sectors AS SELECT code, (position - 1)::int AS i FROM sectors;
-- A description repeats three words of its language, so its search vector is one of 13³ per
-- language: computed once here instead of once per item (the vector is the same either way).
CREATE TEMP TABLE bench_descriptions AS
  SELECT w1.lang, w1.i AS i1, w2.i AS i2, w3.i AS i3,
    repeat(w1.word || ' ' || w3.word || ' ' || w2.word || ' ', 20) AS description,
    setweight(to_tsvector(search_config(w1.lang), repeat(w1.word || ' ' || w3.word || ' ' || w2.word || ' ', 20)), 'C') AS vector
  FROM bench_words w1 JOIN bench_words w2 ON w2.lang = w1.lang JOIN bench_words w3 ON w3.lang = w1.lang;
CREATE UNIQUE INDEX ON bench_descriptions (lang, i1, i2, i3);
`

// Catalogue writes everything but the opportunities: countries, regions, agencies, rates,
// incentives and programmes with their search documents.
var Catalogue = `
INSERT INTO currencies (code) VALUES ('EUR'), ('USD') ON CONFLICT DO NOTHING;
INSERT INTO exchange_rates (currency, as_of, per_eur, source) VALUES ('EUR', '2026-01-01', 1, 'bench'),
  ('USD', '2026-01-01', 1.08, 'bench') ON CONFLICT DO NOTHING;
INSERT INTO countries (code, currency, source_lang, langs)
  SELECT code, 'EUR', (ARRAY['pt','en','fr'])[1 + i % 3], '{en,fr,pt}' FROM bench_countries;
INSERT INTO country_translations (country_code, lang, name, summary)
  SELECT code, l, 'Country ' || code, 'A country of the benchmark.' FROM bench_countries, unnest(ARRAY['pt','en','fr']) l;
INSERT INTO regions (country_code, code, name, kind, position)
  SELECT code, 'r' || r, 'Region ' || r, 'region', r FROM bench_countries, generate_series(1, 5) r;
INSERT INTO organizations (id, slug, country_code, name, type, verified)
  SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(i), 12, '0'))::uuid, 'agency-' || lower(code), code,
    'Agency ' || code, 'investment_promotion_agency', true FROM bench_countries;
INSERT INTO incentives (id, slug, country_code, organization_id, type, status, source_lang, legal_instrument,
    investor_types, residence_abroad, min_investment, max_investment, investment_currency, min_jobs, valid_from, valid_until,
    published_at)
  SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, 'incentive-' || lower(c.code) || '-' || n,
    c.code, ('00000000-0000-4000-a000-' || lpad(to_hex(c.i), 12, '0'))::uuid,
    (ARRAY['tax','customs','financing','land','residency','other'])[1 + n % 6], 'published', 'pt',
    'Investment code, article ' || n, (ARRAY['{diaspora}', '{diaspora,foreign}', '{}', '{foreign,national}'])[1 + n % 4]::text[],
    CASE n % 5 WHEN 0 THEN true WHEN 3 THEN false END, CASE n % 3 WHEN 0 THEN 50000 WHEN 2 THEN 250000 END,
    CASE WHEN n % 6 = 2 THEN 5000000 END, 'EUR', CASE n % 7 WHEN 0 THEN 10 WHEN 3 THEN 2 END, date '2015-01-01',
    CASE WHEN n % 10 = 9 THEN date '2020-12-31' END, timestamptz '2026-01-01' - n * interval '1 day'
  FROM bench_countries c, generate_series(1, 30) n;
INSERT INTO incentive_sectors (incentive_id, sector_code)
  SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, s.code
  FROM bench_countries c CROSS JOIN generate_series(2, 30, 2) n JOIN bench_sectors s ON s.i IN ((c.i + n) % 13, (c.i + n + 5) % 13);
INSERT INTO incentive_regions (incentive_id, country_code, region_code)
  SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, c.code, 'r' || (1 + n % 5)
  FROM bench_countries c, generate_series(1, 30, 3) n;
` + scopedTexts("incentive", "incentives", "Incentive", "A tax credit for investors.") + `
INSERT INTO incentive_benefits (incentive_id, position, kind, tax, percent, duration_years)
  SELECT id, 1, 'tax_credit', 'irpc', 30, 5 FROM incentives WHERE slug LIKE 'incentive-%';
INSERT INTO programmes (id, slug, country_code, organization_id, operator_id, type, status, source_lang,
    investor_types, residence_abroad, max_amount, max_amount_currency, min_investment, max_investment, investment_currency,
    min_jobs, valid_until, published_at)
  SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, 'programme-' || lower(c.code) || '-' || n,
    c.code, ('00000000-0000-4000-a000-' || lpad(to_hex(c.i), 12, '0'))::uuid,
    ('00000000-0000-4000-a000-' || lpad(to_hex(c.i), 12, '0'))::uuid,
    (ARRAY['financing','guarantee','grant','technical_assistance','training','incubation','reintegration'])[1 + n % 7],
    'published', 'pt', (ARRAY['{diaspora}', '{}', '{diaspora,national}'])[1 + n % 3]::text[], CASE WHEN n % 3 = 0 THEN true END,
    100000 * n, 'EUR', CASE WHEN n % 4 = 2 THEN 10000 END, CASE WHEN n % 4 = 1 THEN 1000000 END, 'EUR',
    CASE WHEN n % 5 = 0 THEN 5 END, CASE WHEN n = 10 THEN date '2021-06-30' END, timestamptz '2026-01-01' - n * interval '1 day'
  FROM bench_countries c, generate_series(1, 10) n;
INSERT INTO programme_sectors (programme_id, sector_code)
  SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, s.code
  FROM bench_countries c CROSS JOIN generate_series(1, 10, 2) n JOIN bench_sectors s ON s.i = (c.i + n) % 13;
INSERT INTO programme_regions (programme_id, country_code, region_code)
  SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(c.i * 100 + n), 12, '0'))::uuid, c.code, 'r' || (1 + n % 5)
  FROM bench_countries c, generate_series(3, 10, 4) n;
` + scopedTexts("programme", "programmes", "Programme", "Support for projects.") + `
`

// scopedTexts writes the texts of the synthetic incentives or programmes ({kind}, {table}),
// named "label slug (lang)" with one summary, in pt, en and fr, and their search documents as
// the translations' trigger computes them (name A, summary B, in language order).
func scopedTexts(kind, table, label, summary string) string {
	return strings.NewReplacer("{kind}", kind, "{table}", table, "{label}", label, "{summary}", summary).Replace(`
INSERT INTO {kind}_translations ({kind}_id, lang, name, summary, description)
  SELECT c.id, l, '{label} ' || c.slug || ' (' || l || ')', '{summary}', 'Long text.'
  FROM {table} c, unnest(ARRAY['pt','en','fr']) l WHERE c.slug LIKE '{kind}-%';
UPDATE {table} c SET langs = '{en,fr,pt}', search_document = x.doc FROM (
  SELECT {kind}_id, tsvector_concat_all(setweight(to_tsvector(search_config(lang), name), 'A') ||
    setweight(to_tsvector(search_config(lang), summary), 'B') ORDER BY lang) AS doc
  FROM {kind}_translations GROUP BY {kind}_id) x WHERE x.{kind}_id = c.id;`)
}

// opportunities writes the opportunities numbered $1 to $2, their sectors, translations and
// links to incentives. The search document is computed as the translations' trigger computes
// it (title A, summary B, description C, in language order) from the same texts, in the same
// statement as the row: the per-row trigger would rewrite every opportunity three times.
const opportunities = `
INSERT INTO opportunities (id, slug, country_code, organization_id, region_code, instrument, status, source_lang,
    min_investment, max_investment, currency, jobs, investor_types, contact_email, published_at, langs, search_document)
  SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'opportunity-' || g, c.code,
    ('00000000-0000-4000-a000-' || lpad(to_hex(c.i), 12, '0'))::uuid, 'r' || (1 + (g / 30) % 5),
    (ARRAY['equity','debt','joint_venture','public_private_partnership','concession','greenfield','acquisition'])[1 + g % 7],
    CASE WHEN g % 20 = 0 THEN 'draft' ELSE 'published' END, (ARRAY['pt','en','fr'])[1 + g % 3],
    10000 * (1 + g % 500), 40000 * (1 + g % 500), 'EUR', g % 200,
    CASE g % 3 WHEN 0 THEN '{diaspora}' WHEN 1 THEN '{diaspora,foreign}' ELSE '{}' END::text[],
    'contact' || g || '@example.org', timestamptz '2026-01-01' - g * interval '1 minute', '{en,fr,pt}',
    (SELECT tsvector_concat_all(setweight(to_tsvector(search_config(d.lang), initcap(w1.word) || ' ' || w2.word || ' ' || g), 'A') ||
        setweight(to_tsvector(search_config(d.lang), w1.word || ' ' || w2.word || ' ' || w3.word || ' opportunity number ' || g), 'B') ||
        d.vector ORDER BY d.lang)
      FROM bench_descriptions d
      JOIN bench_words w1 ON w1.lang = d.lang AND w1.i = d.i1 JOIN bench_words w2 ON w2.lang = d.lang AND w2.i = d.i2
      JOIN bench_words w3 ON w3.lang = d.lang AND w3.i = d.i3
      WHERE d.i1 = (g / 30) % 13 AND d.i2 = (g / 11) % 13 AND d.i3 = (g / 17) % 13)
  FROM generate_series($1::int, $2::int) g JOIN bench_countries c ON c.i = g % 30;
INSERT INTO opportunity_sectors (opportunity_id, sector_code)
  SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, s.code
  FROM generate_series($1::int, $2::int) g JOIN bench_sectors s ON s.i = (g / 30) % 13 OR (g % 3 = 0 AND s.i = (g / 7) % 13);
INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description)
  SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, d.lang,
    initcap(w1.word) || ' ' || w2.word || ' ' || g,
    w1.word || ' ' || w2.word || ' ' || w3.word || ' opportunity number ' || g,
    d.description
  FROM generate_series($1::int, $2::int) g JOIN bench_descriptions d ON d.i1 = (g / 30) % 13 AND d.i2 = (g / 11) % 13 AND d.i3 = (g / 17) % 13
  JOIN bench_words w1 ON w1.lang = d.lang AND w1.i = d.i1 JOIN bench_words w2 ON w2.lang = d.lang AND w2.i = d.i2
  JOIN bench_words w3 ON w3.lang = d.lang AND w3.i = d.i3;
INSERT INTO opportunity_incentives (opportunity_id, incentive_id)
  SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
    ('00000000-0000-4000-9000-' || lpad(to_hex((g % 30) * 100 + 1 + g % 30), 12, '0'))::uuid
  FROM generate_series($1::int, $2::int) g WHERE g % 4 = 0;
`

// ReadModel builds the read model of every item (migration 00040's functions).
const ReadModel = `
SELECT read_model_refresh('opportunities', NULL);
SELECT read_model_refresh('incentives', NULL);
SELECT read_model_refresh('programmes', NULL);
SELECT read_model_refresh_words();
`

// TextTriggersOff and TextTriggersOn set aside the translations' per-row triggers, which would
// recompute an item's search document once per translation, while the generator writes.
const TextTriggersOff = `
ALTER TABLE opportunity_translations DISABLE TRIGGER opportunity_translations_refresh;
ALTER TABLE incentive_translations DISABLE TRIGGER incentive_translations_refresh;
ALTER TABLE programme_translations DISABLE TRIGGER programme_translations_refresh;
`

const TextTriggersOn = `
ALTER TABLE opportunity_translations ENABLE TRIGGER opportunity_translations_refresh;
ALTER TABLE incentive_translations ENABLE TRIGGER incentive_translations_refresh;
ALTER TABLE programme_translations ENABLE TRIGGER programme_translations_refresh;
`

// SQL is the whole generator, for a fingerprint of the data set (a changed generator reloads).
var SQL = Session + Catalogue + opportunities + ReadModel

// Opportunities returns the statements writing opportunities from to to (1-based, inclusive).
func Opportunities(from, to int) string {
	return strings.NewReplacer("$1::int", strconv.Itoa(from), "$2::int", strconv.Itoa(to)).Replace(opportunities)
}

// Load returns one script adding a data set of size opportunities to a migrated catalogue and
// building its read model, with the translations' per-row triggers off while it writes.
func Load(size int) string {
	return Session + TextTriggersOff + Catalogue + Opportunities(1, size) + TextTriggersOn + ReadModel
}
