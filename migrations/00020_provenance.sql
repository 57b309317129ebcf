-- Provenance and truth (DESIGN.md): every item and every country fact carries its sources
-- (title, URL, publisher, date, the fields it supports) and as_of, the date it was last checked
-- against them; a disputed fact keeps its alternatives side by side instead of one value.
--
-- Sources are a JSON array per row: they are read and written whole with their item, never
-- queried one by one, and a table per kind would triple the joins of every detail read.
-- [{"title", "url", "publisher", "date" ("2025", "2025-12" or "2025-12-11", as the source
-- gives it), "supports": ["deadline", ...]}]

-- +goose Up
ALTER TABLE opportunities
  ADD COLUMN sources jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  ADD COLUMN as_of date;
ALTER TABLE incentives
  ADD COLUMN sources jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  ADD COLUMN as_of date;
ALTER TABLE programmes
  ADD COLUMN sources jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  ADD COLUMN as_of date;

-- A fact is either settled (value, year and its sources) or disputed: value, year and source
-- are then NULL and alternatives holds two or more figures, each with its year, definition
-- (what it counts, by language) and sources. definition and note are {"lang": "text"}.
ALTER TABLE diaspora_facts
  ALTER COLUMN value DROP NOT NULL,
  ALTER COLUMN year DROP NOT NULL,
  ALTER COLUMN source_title DROP NOT NULL,
  ALTER COLUMN source_url DROP NOT NULL,
  ADD COLUMN value_max numeric CHECK (value_max IS NULL OR value_max >= value),
  ADD COLUMN definition jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(definition) = 'object'),
  ADD COLUMN note jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(note) = 'object'),
  ADD COLUMN sources jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
  ADD COLUMN alternatives jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(alternatives) = 'array'),
  ADD COLUMN as_of date,
  ADD CONSTRAINT diaspora_facts_settled_or_disputed CHECK (
    (value IS NOT NULL AND year IS NOT NULL AND jsonb_array_length(alternatives) = 0)
    OR (value IS NULL AND value_max IS NULL AND year IS NULL AND jsonb_array_length(alternatives) >= 2));

-- A benefit's structured terms said more than they could: a reduced rate was stored as a
-- percentage of reduction, a carry-forward period as a duration, and figures from an unverified
-- bill as settled. rate is the reduced rate itself (percent of the base), min_jobs the headcount
-- a tier of the benefit needs, carry_forward_years how long an unused credit may be carried
-- forward, unverified that a term comes from a bill or a weak source, not the final text.
ALTER TABLE incentive_benefits
  ADD COLUMN rate numeric(6, 3) CHECK (rate BETWEEN 0 AND 100),
  ADD COLUMN min_jobs integer CHECK (min_jobs >= 0),
  ADD COLUMN carry_forward_years smallint CHECK (carry_forward_years > 0),
  ADD COLUMN unverified boolean NOT NULL DEFAULT false;

-- published_at is when an item appeared in this catalogue. Seed files used to carry invented
-- publication dates, older than the rows themselves: a row published before it was created was
-- published when it was created (the first seed load). Dates written by the workflow are later
-- than creation and stay as they are.
UPDATE opportunities SET published_at = created_at WHERE published_at < created_at;
UPDATE incentives SET published_at = created_at WHERE published_at < created_at;
UPDATE programmes SET published_at = created_at WHERE published_at < created_at;

-- Illustrative items are hidden from the public unless SHOW_EXAMPLES=true; the change log
-- finds the few there are through these small partial indexes.
CREATE INDEX opportunities_illustrative ON opportunities (id) WHERE illustrative;
CREATE INDEX incentives_illustrative ON incentives (id) WHERE illustrative;
CREATE INDEX programmes_illustrative ON programmes (id) WHERE illustrative;

-- +goose Down
ALTER TABLE incentive_benefits DROP COLUMN unverified, DROP COLUMN carry_forward_years,
  DROP COLUMN min_jobs, DROP COLUMN rate;
DROP INDEX programmes_illustrative;
DROP INDEX incentives_illustrative;
DROP INDEX opportunities_illustrative;
DELETE FROM diaspora_facts WHERE value IS NULL;
ALTER TABLE diaspora_facts
  DROP CONSTRAINT diaspora_facts_settled_or_disputed,
  DROP COLUMN as_of, DROP COLUMN alternatives, DROP COLUMN sources, DROP COLUMN note,
  DROP COLUMN definition, DROP COLUMN value_max,
  ALTER COLUMN value SET NOT NULL, ALTER COLUMN year SET NOT NULL,
  ALTER COLUMN source_title SET NOT NULL, ALTER COLUMN source_url SET NOT NULL;
ALTER TABLE programmes DROP COLUMN as_of, DROP COLUMN sources;
ALTER TABLE incentives DROP COLUMN as_of, DROP COLUMN sources;
ALTER TABLE opportunities DROP COLUMN as_of, DROP COLUMN sources;
