-- +goose Up
-- A collectivité's own statement (a barometer answer) is dated by the day
-- it declared the tool: neither an observation by someone else nor a start.
ALTER TABLE evidence DROP CONSTRAINT evidence_date_meaning_check;
ALTER TABLE evidence ADD CONSTRAINT evidence_date_meaning_check
    CHECK (date_meaning IN ('observation', 'consultation', 'source-snapshot', 'declaration'));

-- +goose Down
UPDATE evidence SET date_meaning = 'observation' WHERE date_meaning = 'declaration';
ALTER TABLE evidence DROP CONSTRAINT evidence_date_meaning_check;
ALTER TABLE evidence ADD CONSTRAINT evidence_date_meaning_check
    CHECK (date_meaning IN ('observation', 'consultation', 'source-snapshot'));
