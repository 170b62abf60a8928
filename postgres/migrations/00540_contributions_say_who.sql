-- +goose Up
-- A contributed fact says who stated it: the tool's vendor, or a contributor
-- who is neither the vendor nor an agent of the collectivité ('self-declared'
-- stays the collectivité's own word, 'curator' the observatory's).
ALTER TABLE tool_source DROP CONSTRAINT tool_source_kind_check;
ALTER TABLE tool_source ADD CONSTRAINT tool_source_kind_check
    CHECK (kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator', 'vendor', 'contributor'));
ALTER TABLE evidence DROP CONSTRAINT evidence_source_kind_check;
ALTER TABLE evidence ADD CONSTRAINT evidence_source_kind_check
    CHECK (source_kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator', 'vendor', 'contributor'));

-- A moderator's revert of an approved or published proposal's change reaches
-- its author: the proposal becomes 'reverted', keeping who approved it and
-- saying who reverted it, when and why.
ALTER TABLE proposal DROP CONSTRAINT proposal_status_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'published', 'reverted'));
-- A reverted proposal keeps its decision, if it had one (a published edit
-- reverted before any review has none).
ALTER TABLE proposal DROP CONSTRAINT proposal_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_check
    CHECK (status = 'reverted' OR (status IN ('approved', 'rejected')) = (decided_at IS NOT NULL));
ALTER TABLE proposal ADD COLUMN reverted_by bigint REFERENCES app_user (id) ON DELETE RESTRICT;
ALTER TABLE proposal ADD COLUMN reverted_at timestamptz;
ALTER TABLE proposal ADD COLUMN revert_reason text NOT NULL DEFAULT '' CHECK (length(revert_reason) <= 2000);
ALTER TABLE proposal ADD CONSTRAINT proposal_reverted_check
    CHECK ((status = 'reverted') = (reverted_at IS NOT NULL) AND (status <> 'reverted' OR length(btrim(revert_reason)) > 0));

-- +goose Down
ALTER TABLE proposal DROP CONSTRAINT proposal_reverted_check;
UPDATE proposal SET status = 'approved', decided_at = coalesce(decided_at, reverted_at) WHERE status = 'reverted';
ALTER TABLE proposal DROP CONSTRAINT proposal_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_check
    CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL));
ALTER TABLE proposal DROP COLUMN revert_reason;
ALTER TABLE proposal DROP COLUMN reverted_at;
ALTER TABLE proposal DROP COLUMN reverted_by;
ALTER TABLE proposal DROP CONSTRAINT proposal_status_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'published'));
UPDATE evidence SET source_kind = 'self-declared' WHERE source_kind IN ('vendor', 'contributor');
ALTER TABLE evidence DROP CONSTRAINT evidence_source_kind_check;
ALTER TABLE evidence ADD CONSTRAINT evidence_source_kind_check
    CHECK (source_kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator'));
UPDATE tool_source SET kind = 'self-declared' WHERE kind IN ('vendor', 'contributor');
ALTER TABLE tool_source DROP CONSTRAINT tool_source_kind_check;
ALTER TABLE tool_source ADD CONSTRAINT tool_source_kind_check
    CHECK (kind IN ('vendor-list', 'public-catalogue', 'crawler', 'self-declared', 'barometer', 'curator'));
