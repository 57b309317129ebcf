-- +goose Up
-- A content file imported by an operator (marketplace import) is recorded in the audit trail of
-- each organization and item it changes, like an agency's edit: action 'import', no actor (the
-- operator has no account), the changed fields in the note.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member', 'invite', 'revoke_invitation',
    'change_role', 'import'));

-- +goose Down
DELETE FROM audit_events WHERE action = 'import';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member', 'invite', 'revoke_invitation',
    'change_role'));
