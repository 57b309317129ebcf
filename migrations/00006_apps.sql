-- Third-party apps: API keys, and the log of published-content changes they follow.

-- +goose Up

-- An API key acts for its user within its scopes. Only a SHA-256 hash of the key is kept (the
-- key is 32 random bytes, so a plain hash cannot be reversed); the prefix shown in lists is the
-- key's first characters, enough to recognize it and useless to guess it.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_hash     bytea NOT NULL UNIQUE,
  prefix       text NOT NULL,
  scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['catalogue:read',
                 'profile:read', 'profile:write', 'saved:read', 'saved:write']),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC, id DESC);

-- The change log: one row each time a piece of content becomes public, changes while public, or
-- stops being public (archived, sent back to draft, or deleted: a tombstone). It is written by
-- triggers on the content tables, so every code path that changes content is recorded. A change
-- of translations is recorded too, because the translation triggers update their parent row.
CREATE TABLE content_changes (
  seq          bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('opportunity', 'incentive', 'programme')),
  item_id      uuid NOT NULL,
  slug         text NOT NULL,
  country_code char(2) NOT NULL,
  change       text NOT NULL CHECK (change IN ('created', 'updated', 'unpublished')),
  changed_at   timestamptz NOT NULL DEFAULT now(),
  txid         xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX content_changes_country ON content_changes (country_code, seq);
CREATE INDEX content_changes_tx ON content_changes (txid, kind, item_id);

-- +goose StatementBegin
CREATE FUNCTION record_content_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_public boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published';
  is_public  boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published';
  item       record;
  what       text;
  earlier    text;
BEGIN
  IF NOT (was_public OR is_public) OR (TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN item := OLD; ELSE item := NEW; END IF;
  what := CASE WHEN is_public AND NOT was_public THEN 'created'
               WHEN is_public THEN 'updated'
               ELSE 'unpublished' END;
  -- Readers page by seq, so a sequence number must never become visible after a greater one:
  -- writers of changes take turns (content is written rarely), and each commits before the next
  -- draws its numbers.
  PERFORM pg_advisory_xact_lock(hashtext('content_changes'));
  -- One entry per item and transaction: an item created and then given its translations in the
  -- same transaction is one creation, recorded at the end.
  DELETE FROM content_changes
  WHERE txid = pg_current_xact_id() AND kind = TG_ARGV[0] AND item_id = item.id
  RETURNING change INTO earlier;
  IF earlier = 'created' AND what = 'updated' THEN
    what := 'created';
  END IF;
  INSERT INTO content_changes (kind, item_id, slug, country_code, change)
  VALUES (TG_ARGV[0], item.id, item.slug, item.country_code, what);
  RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER opportunities_changes AFTER INSERT OR UPDATE OR DELETE ON opportunities
  FOR EACH ROW EXECUTE FUNCTION record_content_change('opportunity');
CREATE TRIGGER incentives_changes AFTER INSERT OR UPDATE OR DELETE ON incentives
  FOR EACH ROW EXECUTE FUNCTION record_content_change('incentive');
CREATE TRIGGER programmes_changes AFTER INSERT OR UPDATE OR DELETE ON programmes
  FOR EACH ROW EXECUTE FUNCTION record_content_change('programme');

-- Content published before this migration is in the log as created, in publication order, so
-- that a client following from the start sees the whole catalogue.
INSERT INTO content_changes (kind, item_id, slug, country_code, change, changed_at)
SELECT kind, id, slug, country_code, 'created', published_at FROM (
  SELECT 'opportunity' AS kind, id, slug, country_code, published_at FROM opportunities WHERE status = 'published'
  UNION ALL
  SELECT 'incentive', id, slug, country_code, published_at FROM incentives WHERE status = 'published'
  UNION ALL
  SELECT 'programme', id, slug, country_code, published_at FROM programmes WHERE status = 'published'
) published
ORDER BY published_at, id;

-- +goose Down
DROP TRIGGER IF EXISTS opportunities_changes ON opportunities;
DROP TRIGGER IF EXISTS incentives_changes ON incentives;
DROP TRIGGER IF EXISTS programmes_changes ON programmes;
DROP FUNCTION IF EXISTS record_content_change();
DROP TABLE IF EXISTS content_changes, api_keys;
