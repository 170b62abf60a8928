-- +goose Up
-- A contributor can report a collectivité's official website as wrong: the
-- proposal names the territory it changes, and the approved correction is
-- a revision of that territory, so page caches and the search outbox see it.
ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check
    CHECK (kind IN ('new-tool', 'tool-edit', 'adoption', 'crawler-finding', 'website'));
ALTER TABLE proposal DROP CONSTRAINT proposal_entity_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_entity_check
    CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation', 'territory'));
ALTER TABLE revision DROP CONSTRAINT revision_entity_check;
ALTER TABLE revision ADD CONSTRAINT revision_entity_check
    CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation', 'territory'));

-- +goose Down
-- Revisions and the audit log are append-only, so rows about territories
-- stay: the old constraints come back NOT VALID, refusing only new rows.
ALTER TABLE revision DROP CONSTRAINT revision_entity_check;
ALTER TABLE revision ADD CONSTRAINT revision_entity_check
    CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation')) NOT VALID;
ALTER TABLE proposal DROP CONSTRAINT proposal_entity_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_entity_check
    CHECK (entity IN ('tool', 'vendor', 'adoption', 'evidence', 'organisation')) NOT VALID;
ALTER TABLE proposal DROP CONSTRAINT proposal_kind_check;
ALTER TABLE proposal ADD CONSTRAINT proposal_kind_check
    CHECK (kind IN ('new-tool', 'tool-edit', 'adoption', 'crawler-finding')) NOT VALID;
