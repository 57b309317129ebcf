-- Exchange rates recorded by administrators through the API (PUT /v1/exchange-rates/{currency}):
-- each rate says when and by whom it was recorded, so that a shown conversion can be traced to
-- the row it used. Seeded rates have no recorder. (Eligibility needs no new column: the
-- conditions are in 00001, and its read of a country's published items uses the
-- *_published_country indexes.)

-- +goose Up
ALTER TABLE exchange_rates
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_by uuid REFERENCES users ON DELETE SET NULL;
-- Erasing an account clears its rates' recorded_by: this index keeps that cheap.
CREATE INDEX exchange_rates_recorded_by ON exchange_rates (recorded_by) WHERE recorded_by IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS exchange_rates_recorded_by;
ALTER TABLE exchange_rates DROP COLUMN recorded_by, DROP COLUMN recorded_at;
