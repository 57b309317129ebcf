-- Erasing an account must not change public content. Its foreign keys are ON DELETE SET NULL,
-- and those updates fired the content triggers: a translation's updated_by set to NULL refreshed
-- its parent (updated_at, search document), an item's created_by set to NULL recorded it as
-- "updated" in the change log, and both emptied every instance's cache.
--
-- - created_by on content and organizations is dropped: nothing reads it, and the audit trail's
--   "create" event names who created an item.
-- - The translation triggers refresh the parent only when text changes (not updated_by).
-- - The foreign keys that remain get indexes, so that erasing an account does not scan them.
-- - The organization indexes of 00001 are prefixes of the (organization_id, updated_at, id)
--   ones of 00003: dropped.

-- +goose Up
ALTER TABLE opportunities DROP COLUMN created_by;
ALTER TABLE incentives DROP COLUMN created_by;
ALTER TABLE programmes DROP COLUMN created_by;
ALTER TABLE organizations DROP COLUMN created_by;

DROP TRIGGER opportunity_translations_refresh ON opportunity_translations;
CREATE TRIGGER opportunity_translations_refresh
  AFTER INSERT OR DELETE OR UPDATE OF opportunity_id, lang, title, summary, description ON opportunity_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_opportunity_text();
DROP TRIGGER incentive_translations_refresh ON incentive_translations;
CREATE TRIGGER incentive_translations_refresh
  AFTER INSERT OR DELETE OR UPDATE OF incentive_id, lang, name, summary, description ON incentive_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_incentive_text();
DROP TRIGGER programme_translations_refresh ON programme_translations;
CREATE TRIGGER programme_translations_refresh
  AFTER INSERT OR DELETE OR UPDATE OF programme_id, lang, name, summary, description, how_to_apply ON programme_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_programme_text();

CREATE INDEX opportunity_translations_updated_by ON opportunity_translations (updated_by) WHERE updated_by IS NOT NULL;
CREATE INDEX incentive_translations_updated_by ON incentive_translations (updated_by) WHERE updated_by IS NOT NULL;
CREATE INDEX programme_translations_updated_by ON programme_translations (updated_by) WHERE updated_by IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id) WHERE actor_id IS NOT NULL;

DROP INDEX opportunities_organization;
DROP INDEX incentives_organization;
DROP INDEX programmes_organization;

-- +goose Down
CREATE INDEX opportunities_organization ON opportunities (organization_id);
CREATE INDEX incentives_organization ON incentives (organization_id);
CREATE INDEX programmes_organization ON programmes (organization_id);

DROP INDEX audit_events_actor;
DROP INDEX programme_translations_updated_by;
DROP INDEX incentive_translations_updated_by;
DROP INDEX opportunity_translations_updated_by;

DROP TRIGGER programme_translations_refresh ON programme_translations;
CREATE TRIGGER programme_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON programme_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_programme_text();
DROP TRIGGER incentive_translations_refresh ON incentive_translations;
CREATE TRIGGER incentive_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON incentive_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_incentive_text();
DROP TRIGGER opportunity_translations_refresh ON opportunity_translations;
CREATE TRIGGER opportunity_translations_refresh AFTER INSERT OR UPDATE OR DELETE ON opportunity_translations
  FOR EACH ROW EXECUTE FUNCTION refresh_opportunity_text();

ALTER TABLE organizations ADD COLUMN created_by uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE programmes ADD COLUMN created_by uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE incentives ADD COLUMN created_by uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE opportunities ADD COLUMN created_by uuid REFERENCES users ON DELETE SET NULL;
