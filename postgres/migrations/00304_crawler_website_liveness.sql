-- +goose Up
-- Collectivités' own websites are watched too; discovery runs check them
-- as they fetch each site's homepage (ref is the territory id).
ALTER TABLE liveness_target DROP CONSTRAINT liveness_target_kind_check;
ALTER TABLE liveness_target ADD CONSTRAINT liveness_target_kind_check CHECK (kind IN ('tool', 'adoption', 'website'));

-- +goose Down
DELETE FROM liveness_target WHERE kind = 'website';
ALTER TABLE liveness_target DROP CONSTRAINT liveness_target_kind_check;
ALTER TABLE liveness_target ADD CONSTRAINT liveness_target_kind_check CHECK (kind IN ('tool', 'adoption'));
