-- An editor may mark a stale translation reviewed without changing its text (the console's
-- "mark reviewed", POST …/translations/{lang}/reviewed). The translation then counts as written
-- now: reviewed_at records the review, and, being a change of the row, lets updated_at move
-- (keep_updated_at_when_unchanged keeps it when nothing else changes). The audit trail records
-- the review as its own action.

-- +goose Up
ALTER TABLE opportunity_translations ADD COLUMN reviewed_at timestamptz;
ALTER TABLE incentive_translations ADD COLUMN reviewed_at timestamptz;
ALTER TABLE programme_translations ADD COLUMN reviewed_at timestamptz;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member',
    'invite', 'revoke_invitation', 'change_role', 'import', 'review_translation'));

-- +goose Down
DELETE FROM audit_events WHERE action = 'review_translation';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member',
    'invite', 'revoke_invitation', 'change_role', 'import'));
ALTER TABLE programme_translations DROP COLUMN reviewed_at;
ALTER TABLE incentive_translations DROP COLUMN reviewed_at;
ALTER TABLE opportunity_translations DROP COLUMN reviewed_at;
