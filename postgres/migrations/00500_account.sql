-- +goose Up
-- Accounts of contributors, vendors, collectivité agents, moderators and
-- admins. Secrets are never stored in clear: passwords as argon2id PHC
-- strings, session and reset tokens as their SHA-256.

CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL once the account is deleted (GDPR): the row stays so that the
    -- contributions it made remain attributed to "a deleted user".
    email         text CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    password_hash text CHECK (length(password_hash) <= 300),
    role          text NOT NULL DEFAULT 'contributor'
                  CHECK (role IN ('contributor', 'moderator', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    CHECK ((deleted_at IS NULL) = (email IS NOT NULL)),
    CHECK (deleted_at IS NOT NULL OR password_hash IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (email) WHERE email IS NOT NULL;

-- A vendor member may edit the listings of that vendor. verified_by says how
-- control was proven: a meta tag or DNS record on the tool's domain, or a
-- moderator's decision.
CREATE TABLE vendor_member (
    user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    vendor_id   bigint NOT NULL REFERENCES vendor (id) ON DELETE CASCADE,
    verified_by text NOT NULL CHECK (verified_by IN ('meta', 'dns', 'moderator')),
    domain      text NOT NULL DEFAULT '' CHECK (length(domain) <= 253),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, vendor_id)
);

-- A collectivité agent speaks for a territory once approved, automatically
-- when the email's domain is the collectivité's known website domain.
CREATE TABLE territory_agent (
    user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    territory_id bigint NOT NULL REFERENCES territory (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    approved_by  text NOT NULL DEFAULT '' CHECK (approved_by IN ('', 'email-domain', 'moderator')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    PRIMARY KEY (user_id, territory_id)
);
CREATE INDEX territory_agent_pending_idx ON territory_agent (created_at) WHERE status = 'pending';

-- The web domains known to belong to a collectivité (mairie.example.fr). The
-- INSEE register carries no websites, so a domain becomes known when a
-- moderator records it, typically while approving the first agent; later
-- agents whose email is on that domain are approved automatically.
CREATE TABLE territory_domain (
    territory_id bigint NOT NULL REFERENCES territory (id) ON DELETE CASCADE,
    domain       text NOT NULL CHECK (domain ~ '^[a-z0-9.-]+\.[a-z]{2,}$' AND length(domain) <= 253),
    added_by     bigint REFERENCES app_user (id) ON DELETE SET NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (territory_id, domain)
);
CREATE INDEX territory_domain_domain_idx ON territory_domain (domain);

CREATE TABLE user_session (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expiry_idx ON user_session (expires_at);

-- Single-use, short-lived password reset tokens.
CREATE TABLE password_reset (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_reset_user_idx ON password_reset (user_id);

-- Failed logins, kept for the throttling window only (pruned on write). The
-- key is the folded email or "ip:ADDR".
CREATE TABLE login_failure (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key       text NOT NULL CHECK (length(key) <= 300),
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_key_idx ON login_failure (key, failed_at);

-- Every message the site sends. Without SMTP configuration this is where an
-- admin reads them; with it, sent_at records the delivery.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_addr    text NOT NULL CHECK (length(to_addr) <= 254),
    subject    text NOT NULL CHECK (length(subject) <= 300),
    body       text NOT NULL CHECK (length(body) <= 20000),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    error      text NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE login_failure;
DROP TABLE password_reset;
DROP TABLE user_session;
DROP TABLE territory_domain;
DROP TABLE territory_agent;
DROP TABLE vendor_member;
DROP TABLE app_user;
