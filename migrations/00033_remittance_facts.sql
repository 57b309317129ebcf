-- Remittances and banking facts (issue 17): where remittances come from (their split by the
-- emigrants' country of residence), where they go (by municipality of the origin country), and
-- the share of bank deposits held by emigrants. Each is a dated, sourced fact like the others,
-- disputed figures kept side by side (00020).
--
--   remittances_by_residence_country  a share (percent) or an amount sent from residence_country
--   remittances_by_municipality       a share (percent) or an amount received by `municipality`
--   emigrant_deposits_share           the share of bank deposits (or savings) held by emigrants
--
-- municipality is a place of the origin country, as the source names it (not a region code:
-- municipalities are finer than the islands of `regions`).

-- +goose Up
ALTER TABLE diaspora_facts
  ADD COLUMN municipality text CHECK (length(municipality) BETWEEN 1 AND 200),
  DROP CONSTRAINT diaspora_facts_metric_check,
  ADD CONSTRAINT diaspora_facts_metric_check CHECK (metric IN ('diaspora_size', 'resident_population',
    'remittances_gdp_share', 'remittances_volume', 'residence_country_diaspora',
    'remittances_by_residence_country', 'remittances_by_municipality', 'emigrant_deposits_share')),
  DROP CONSTRAINT diaspora_facts_check,
  ADD CONSTRAINT diaspora_facts_residence_check CHECK (
    (metric IN ('residence_country_diaspora', 'remittances_by_residence_country')) = (residence_country IS NOT NULL)),
  ADD CONSTRAINT diaspora_facts_municipality_metric_check CHECK (
    (metric = 'remittances_by_municipality') = (municipality IS NOT NULL));

-- +goose Down
DELETE FROM diaspora_facts WHERE metric IN ('remittances_by_residence_country', 'remittances_by_municipality',
  'emigrant_deposits_share');
ALTER TABLE diaspora_facts
  DROP CONSTRAINT diaspora_facts_municipality_metric_check,
  DROP CONSTRAINT diaspora_facts_residence_check,
  ADD CONSTRAINT diaspora_facts_check CHECK ((metric = 'residence_country_diaspora') = (residence_country IS NOT NULL)),
  DROP CONSTRAINT diaspora_facts_metric_check,
  ADD CONSTRAINT diaspora_facts_metric_check CHECK (metric IN ('diaspora_size', 'resident_population',
    'remittances_gdp_share', 'remittances_volume', 'residence_country_diaspora')),
  DROP COLUMN municipality;
