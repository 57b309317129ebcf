-- Accounts: users, investor profiles, refresh tokens, saved opportunities, and the shared
-- rate-limit counters.

-- +goose Up
CREATE TABLE users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email               text NOT NULL CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  password_hash       text NOT NULL,
  -- Agency membership comes from organizations, not from this column: role says only whether
  -- the user is an administrator.
  role                text NOT NULL DEFAULT 'investor' CHECK (role IN ('investor', 'admin')),
  display_name        text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
  lang                lang_code,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  -- Access tokens carry the version they were issued under; a password change bumps it, so every
  -- token issued before is refused at once (timestamps of one-second precision could not).
  token_version       integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- E-mails are unique whatever their case.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION keep_updated_at_when_unchanged();

CREATE TABLE investor_profiles (
  user_id           uuid PRIMARY KEY REFERENCES users ON DELETE CASCADE,
  origin_country    char(2) REFERENCES countries,
  residence_country char(2) CHECK (residence_country ~ '^[A-Z]{2}$'),
  languages         text[] NOT NULL DEFAULT '{}',
  sectors           text[] NOT NULL DEFAULT '{}' CHECK (sectors <@ ARRAY['tourism', 'blue_economy',
                      'renewable_energy', 'agribusiness', 'ict', 'creative_industries', 'real_estate',
                      'transport_logistics', 'health', 'education', 'manufacturing', 'commerce',
                      'financial_services']),
  regions           text[] NOT NULL DEFAULT '{}',
  ticket_min        money_amount,
  ticket_max        money_amount,
  ticket_currency   char(3) REFERENCES currencies,
  investor_type     text CHECK (investor_type IN ('diaspora', 'foreign', 'national')),
  legal_form        text CHECK (legal_form IN ('individual', 'company', 'association')),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (ticket_min IS NULL OR ticket_max IS NULL OR ticket_min <= ticket_max),
  CHECK ((ticket_min IS NULL AND ticket_max IS NULL) = (ticket_currency IS NULL))
);

-- Refresh tokens are stored only as SHA-256 hashes. Each login starts a family; every refresh
-- marks the used token and issues the next of the family. A used token presented again means
-- it was stolen: the whole family is revoked.
CREATE TABLE refresh_tokens (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  family_id  uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

CREATE TABLE saved_opportunities (
  user_id        uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  opportunity_id uuid NOT NULL REFERENCES opportunities ON DELETE CASCADE,
  saved_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, opportunity_id)
);
CREATE INDEX saved_opportunities_by_user ON saved_opportunities (user_id, saved_at DESC, opportunity_id DESC);
CREATE INDEX saved_opportunities_opportunity ON saved_opportunities (opportunity_id);

-- Fixed-window counters shared by every API instance: one row per bucket and window.
CREATE TABLE rate_limits (
  bucket       text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- +goose Down
DROP TABLE IF EXISTS rate_limits, saved_opportunities, refresh_tokens, investor_profiles, users;
