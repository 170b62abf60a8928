-- +goose Up
-- Contributions waiting for (or past) moderation, the claims of listings by
-- vendors, and the audit log of every moderation decision.

CREATE TABLE proposal (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('new-tool', 'tool-edit', 'adoption', 'crawler-finding')),
    -- pending: waiting for a moderator; approved/rejected: decided;
    -- published: applied at once (a verified vendor's descriptive edit),
    -- still listed for review.
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'published')),
    -- NULL for the crawler; a deleted account keeps its id here.
    submitter_id   bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    -- The entity the proposal changes (tool for an edit), NULL for a new one
    -- until it is approved; then the created entity.
    entity         text CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation')),
    entity_id      bigint,
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    -- The proposed values, field by field, and for an edit the values they
    -- replace as they were at submission; the diff shown is base → payload.
    payload        jsonb NOT NULL,
    base           jsonb NOT NULL DEFAULT '{}',
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    confidence     real CHECK (confidence BETWEEN 0 AND 1),
    reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    decided_by     bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL)),
    CHECK (status <> 'rejected' OR length(btrim(reason)) > 0)
);
CREATE INDEX proposal_queue_idx ON proposal (created_at, id) WHERE status = 'pending';
CREATE INDEX proposal_submitter_idx ON proposal (submitter_id, created_at);
CREATE INDEX proposal_entity_idx ON proposal (entity, entity_id);

-- A vendor's request to manage a tool's listing: it proves control of the
-- tool's website domain with a meta tag or a DNS TXT record carrying token.
CREATE TABLE listing_claim (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    tool_id     bigint NOT NULL REFERENCES tool (id) ON DELETE CASCADE,
    domain      text NOT NULL CHECK (length(domain) BETWEEN 1 AND 253),
    token       text NOT NULL CHECK (token ~ '^[A-Za-z0-9_-]{20,64}$'),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified')),
    method      text NOT NULL DEFAULT '' CHECK (method IN ('', 'meta', 'dns')),
    last_error  text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    checked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    verified_at timestamptz,
    UNIQUE (user_id, tool_id)
);

-- Append-only log of moderation decisions and privileged actions.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 60),
    proposal_id bigint REFERENCES proposal (id) ON DELETE RESTRICT,
    entity      text NOT NULL DEFAULT '' CHECK (length(entity) <= 40),
    entity_id   bigint,
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE listing_claim;
DROP TABLE proposal;
