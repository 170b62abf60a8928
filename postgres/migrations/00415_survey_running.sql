-- +goose Up
-- Running an edition. Two agents on one invitation link work on different
-- pages of the same response: each page keeps its own save counter, so a
-- stale save is refused only when someone saved that same page meanwhile.
ALTER TABLE survey_response
    ADD COLUMN page_versions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(page_versions) = 'object');

-- Staff preview the questionnaire through a link of their own (sha256 of
-- its token); a preview never writes a response.
ALTER TABLE survey_edition
    ADD COLUMN preview_token_hash bytea UNIQUE CHECK (length(preview_token_hash) = 32);

-- Directory evidence is recorded from consenting responses once the
-- edition is published; this marks the responses already turned into
-- evidence, so publishing twice records nothing twice.
ALTER TABLE survey_response
    ADD COLUMN evidence_recorded_at timestamptz;

-- +goose Down
ALTER TABLE survey_response DROP COLUMN evidence_recorded_at;
ALTER TABLE survey_edition DROP COLUMN preview_token_hash;
ALTER TABLE survey_response DROP COLUMN page_versions;
