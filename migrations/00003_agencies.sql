-- Agencies: organization membership, the editorial side of content (versions for If-Match,
-- review notes, who wrote each translation), expressions of interest, and the audit trail.

-- +goose Up

-- A user's rights over content come from the organizations they belong to: users.role says
-- only whether they are an administrator.
CREATE TABLE organization_members (
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('owner', 'member')),
  added_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

ALTER TABLE organizations
  ADD COLUMN verified_at timestamptz,
  ADD COLUMN created_by  uuid REFERENCES users ON DELETE SET NULL;
-- The public directory lists verified organizations by name.
CREATE INDEX organizations_verified_by_name ON organizations (name, id) WHERE verified;
CREATE INDEX organizations_pending ON organizations (created_at, id) WHERE NOT verified;

-- Every write to an item bumps its version (its ETag for If-Match). source_changed_at is when the
-- text of the source language last changed: a translation older than that is stale.
ALTER TABLE opportunities
  ADD COLUMN version           integer NOT NULL DEFAULT 1,
  ADD COLUMN review_note       text CHECK (length(review_note) <= 2000),
  ADD COLUMN submitted_at      timestamptz,
  ADD COLUMN source_changed_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN created_by        uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE incentives
  ADD COLUMN version           integer NOT NULL DEFAULT 1,
  ADD COLUMN review_note       text CHECK (length(review_note) <= 2000),
  ADD COLUMN submitted_at      timestamptz,
  ADD COLUMN source_changed_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN created_by        uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE programmes
  ADD COLUMN version           integer NOT NULL DEFAULT 1,
  ADD COLUMN review_note       text CHECK (length(review_note) <= 2000),
  ADD COLUMN submitted_at      timestamptz,
  ADD COLUMN source_changed_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN created_by        uuid REFERENCES users ON DELETE SET NULL;

ALTER TABLE opportunity_translations ADD COLUMN updated_by uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE incentive_translations ADD COLUMN updated_by uuid REFERENCES users ON DELETE SET NULL;
ALTER TABLE programme_translations ADD COLUMN updated_by uuid REFERENCES users ON DELETE SET NULL;

-- The review queue (oldest submission first) and an organization's own content (latest change
-- first), for every status.
CREATE INDEX opportunities_review ON opportunities (submitted_at, id) WHERE status = 'in_review';
CREATE INDEX incentives_review ON incentives (submitted_at, id) WHERE status = 'in_review';
CREATE INDEX programmes_review ON programmes (submitted_at, id) WHERE status = 'in_review';
CREATE INDEX opportunities_organization_updated ON opportunities (organization_id, updated_at DESC, id DESC);
CREATE INDEX incentives_organization_updated ON incentives (organization_id, updated_at DESC, id DESC);
CREATE INDEX programmes_organization_updated ON programmes (organization_id, updated_at DESC, id DESC);

-- Expressions of interest. What the investor chose to share of their profile is copied when
-- they send it: the agency sees what was consented to then, not later edits.
CREATE TABLE interests (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id  uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  investor_id     uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'read', 'answered', 'closed')),
  message         text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
  amount          money_amount,
  currency        char(3) REFERENCES currencies,
  shared          jsonb NOT NULL DEFAULT '{}',
  reply           text CHECK (length(reply) <= 5000),
  replied_at      timestamptz,
  replied_by      uuid REFERENCES users ON DELETE SET NULL,
  idempotency_key text CHECK (length(idempotency_key) <= 255),
  request_hash    bytea,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((amount IS NULL) = (currency IS NULL)),
  CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
);
-- One open interest per investor and opportunity; a closed one may be followed by a new one.
CREATE UNIQUE INDEX interests_one_open ON interests (investor_id, opportunity_id) WHERE status <> 'closed';
CREATE UNIQUE INDEX interests_idempotency ON interests (investor_id, idempotency_key);
CREATE INDEX interests_inbox ON interests (organization_id, created_at DESC, id DESC);
CREATE INDEX interests_inbox_status ON interests (organization_id, status, created_at DESC, id DESC);
CREATE INDEX interests_investor ON interests (investor_id, created_at DESC, id DESC);
CREATE INDEX interests_opportunity ON interests (opportunity_id);
CREATE TRIGGER interests_updated_at BEFORE UPDATE ON interests FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();

-- The audit trail: append-only, written in the same transaction as the change it records.
-- entity_id has no foreign key, so the record of a deleted draft stays; organization_id lets an
-- organization read the trail of all its content at once.
CREATE TABLE audit_events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  actor_id        uuid REFERENCES users ON DELETE SET NULL,
  entity          text NOT NULL CHECK (entity IN ('organization', 'opportunity', 'incentive', 'programme')),
  entity_id       uuid NOT NULL,
  organization_id uuid REFERENCES organizations ON DELETE CASCADE,
  action          text NOT NULL CHECK (action IN ('create', 'update', 'translate', 'delete_translation',
                    'submit', 'publish', 'reject', 'archive', 'delete', 'verify', 'unverify',
                    'add_member', 'remove_member')),
  lang            lang_code,
  changes         jsonb NOT NULL DEFAULT '{}',
  note            text
);
CREATE INDEX audit_events_entity ON audit_events (entity_id, id);
CREATE INDEX audit_events_organization ON audit_events (organization_id, id);

-- Content written before this migration: its source text last changed when its source
-- translation did.
UPDATE opportunities c SET source_changed_at = coalesce((SELECT t.updated_at FROM opportunity_translations t
  WHERE t.opportunity_id = c.id AND t.lang = c.source_lang), c.created_at);
UPDATE incentives c SET source_changed_at = coalesce((SELECT t.updated_at FROM incentive_translations t
  WHERE t.incentive_id = c.id AND t.lang = c.source_lang), c.created_at);
UPDATE programmes c SET source_changed_at = coalesce((SELECT t.updated_at FROM programme_translations t
  WHERE t.programme_id = c.id AND t.lang = c.source_lang), c.created_at);

-- Seeded organizations have no members; the seed's verified flag stands for an admin's check.
UPDATE organizations SET verified_at = created_at WHERE verified;

-- +goose Down
DROP TABLE IF EXISTS audit_events, interests, organization_members;
DROP INDEX IF EXISTS organizations_verified_by_name, organizations_pending, opportunities_review,
  incentives_review, programmes_review, opportunities_organization_updated,
  incentives_organization_updated, programmes_organization_updated;
ALTER TABLE opportunity_translations DROP COLUMN IF EXISTS updated_by;
ALTER TABLE incentive_translations DROP COLUMN IF EXISTS updated_by;
ALTER TABLE programme_translations DROP COLUMN IF EXISTS updated_by;
ALTER TABLE opportunities DROP COLUMN IF EXISTS version, DROP COLUMN IF EXISTS review_note,
  DROP COLUMN IF EXISTS submitted_at, DROP COLUMN IF EXISTS source_changed_at, DROP COLUMN IF EXISTS created_by;
ALTER TABLE incentives DROP COLUMN IF EXISTS version, DROP COLUMN IF EXISTS review_note,
  DROP COLUMN IF EXISTS submitted_at, DROP COLUMN IF EXISTS source_changed_at, DROP COLUMN IF EXISTS created_by;
ALTER TABLE programmes DROP COLUMN IF EXISTS version, DROP COLUMN IF EXISTS review_note,
  DROP COLUMN IF EXISTS submitted_at, DROP COLUMN IF EXISTS source_changed_at, DROP COLUMN IF EXISTS created_by;
ALTER TABLE organizations DROP COLUMN IF EXISTS verified_at, DROP COLUMN IF EXISTS created_by;
