-- Trust: verified identities are unique, members join by invitation, and only changes to what
-- the public can see empty the instances' caches.

-- +goose Up

-- A verified organization vouches for a name and an acronym within its country: two verified
-- organizations may not share either (an owner could otherwise rename theirs into a regulator).
CREATE UNIQUE INDEX organizations_verified_name ON organizations (coalesce(country_code, '--'), lower(name)) WHERE verified;
CREATE UNIQUE INDEX organizations_verified_acronym ON organizations (coalesce(country_code, '--'), lower(acronym))
  WHERE verified AND acronym IS NOT NULL;

-- Invitations: an owner invites an address; the person with that address accepts or declines
-- it from their own account. Nobody becomes a member without consent, and inviting tells the
-- owner nothing about whether the address has an account.
CREATE TABLE organization_invitations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role            text NOT NULL CHECK (role IN ('owner', 'member')),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
  invited_by      uuid REFERENCES users ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  answered_at     timestamptz,
  CHECK ((status = 'pending') = (answered_at IS NULL))
);
-- One open invitation per address and organization (inviting again renews it).
CREATE UNIQUE INDEX organization_invitations_open ON organization_invitations (organization_id, email) WHERE status = 'pending';
-- A user's inbox of invitations.
CREATE INDEX organization_invitations_email ON organization_invitations (email, created_at) WHERE status = 'pending';
CREATE INDEX organization_invitations_org ON organization_invitations (organization_id, created_at);
CREATE INDEX organization_invitations_invited_by ON organization_invitations (invited_by);
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member',
    'invite', 'revoke_invitation', 'change_role'));

-- Public changes only. 00005 told every instance to empty its cache on any write to a content
-- table, drafts included, so that anyone who could save a draft or apply for an organization
-- could flush every cache at will. Now a statement notifies only when a row it wrote, before
-- or after, is public: published content (or a part of it), a verified organization or one
-- whose published content shows its name. Reference tables (countries, regions, rates,
-- sectors…) are public as a whole and keep 00005's trigger.
-- TG_ARGV[0] is a predicate over the transition table named by %s.
-- +goose StatementBegin
CREATE FUNCTION notify_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE public boolean := false;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE 'SELECT ' || format(TG_ARGV[0], 'new_rows') INTO public;
  END IF;
  IF NOT public AND TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE 'SELECT ' || format(TG_ARGV[0], 'old_rows') INTO public;
  END IF;
  IF public THEN
    PERFORM pg_notify('catalogue_changed', TG_TABLE_NAME);
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
  t text;
  pred text;
  published_parent constant text := 'EXISTS (SELECT 1 FROM %%1$s r JOIN %I p ON p.id = r.%I WHERE p.status = ''published'')';
  predicates jsonb := jsonb_build_object(
    'opportunities', 'EXISTS (SELECT 1 FROM %1$s WHERE status = ''published'')',
    'incentives', 'EXISTS (SELECT 1 FROM %1$s WHERE status = ''published'')',
    'programmes', 'EXISTS (SELECT 1 FROM %1$s WHERE status = ''published'')',
    'opportunity_translations', format(published_parent, 'opportunities', 'opportunity_id'),
    'opportunity_sectors', format(published_parent, 'opportunities', 'opportunity_id'),
    'opportunity_incentives', format(published_parent, 'opportunities', 'opportunity_id') || ' OR ' ||
                              format(published_parent, 'incentives', 'incentive_id'),
    'opportunity_programmes', format(published_parent, 'opportunities', 'opportunity_id') || ' OR ' ||
                              format(published_parent, 'programmes', 'programme_id'),
    'incentive_translations', format(published_parent, 'incentives', 'incentive_id'),
    'incentive_benefits', format(published_parent, 'incentives', 'incentive_id'),
    'incentive_sectors', format(published_parent, 'incentives', 'incentive_id'),
    'incentive_regions', format(published_parent, 'incentives', 'incentive_id'),
    'programme_translations', format(published_parent, 'programmes', 'programme_id'),
    'programme_sectors', format(published_parent, 'programmes', 'programme_id'),
    'programme_regions', format(published_parent, 'programmes', 'programme_id'),
    'organizations', 'EXISTS (SELECT 1 FROM %1$s r WHERE r.verified'
      || ' OR EXISTS (SELECT 1 FROM opportunities c WHERE c.organization_id = r.id AND c.status = ''published'')'
      || ' OR EXISTS (SELECT 1 FROM incentives c WHERE c.organization_id = r.id AND c.status = ''published'')'
      || ' OR EXISTS (SELECT 1 FROM programmes c WHERE c.organization_id = r.id AND c.status = ''published''))');
BEGIN
  FOR t, pred IN SELECT key, value #>> '{}' FROM jsonb_each(predicates) LOOP
    EXECUTE format('DROP TRIGGER catalogue_changed ON %I', t);
    EXECUTE format('CREATE TRIGGER public_inserted AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change(%L)', t, pred);
    EXECUTE format('CREATE TRIGGER public_updated AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change(%L)', t, pred);
    EXECUTE format('CREATE TRIGGER public_deleted AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_public_change(%L)', t, pred);
    EXECUTE format('CREATE TRIGGER public_truncated AFTER TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed()', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations',
    'incentives', 'incentive_translations', 'incentive_benefits', 'incentive_sectors', 'incentive_regions',
    'programmes', 'programme_translations', 'programme_sectors', 'programme_regions',
    'opportunities', 'opportunity_translations', 'opportunity_sectors', 'opportunity_incentives',
    'opportunity_programmes'] LOOP
    EXECUTE format('DROP TRIGGER public_inserted ON %I', t);
    EXECUTE format('DROP TRIGGER public_updated ON %I', t);
    EXECUTE format('DROP TRIGGER public_deleted ON %I', t);
    EXECUTE format('DROP TRIGGER public_truncated ON %I', t);
    EXECUTE format('CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed()', t);
  END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION notify_public_change();
DELETE FROM audit_events WHERE action IN ('invite', 'revoke_invitation', 'change_role');
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check, ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'translate', 'delete_translation', 'submit', 'publish', 'reject',
    'archive', 'delete', 'verify', 'unverify', 'add_member', 'remove_member'));
DROP TABLE organization_invitations;
DROP INDEX organizations_verified_name, organizations_verified_acronym;
