-- +goose Up
-- An edition's disclosure policy is stored with it, so that every page,
-- file and command applies the same rules and none can publish a weaker
-- release. The floor is INSEE's: k >= 3, dominance share <= 85 %.
ALTER TABLE survey_edition
    ADD COLUMN disclosure_k integer NOT NULL DEFAULT 5 CHECK (disclosure_k BETWEEN 3 AND 100),
    ADD COLUMN disclosure_min_units integer NOT NULL DEFAULT 5 CHECK (disclosure_min_units BETWEEN 3 AND 100),
    ADD COLUMN disclosure_dominance numeric(4, 3) NOT NULL DEFAULT 0.85 CHECK (disclosure_dominance > 0 AND disclosure_dominance <= 0.85),
    -- The rule the sampling frame was drawn by, in words, printed in every release.
    ADD COLUMN frame_rule text NOT NULL DEFAULT '' CHECK (length(frame_rule) <= 2000);

-- +goose Down
ALTER TABLE survey_edition
    DROP COLUMN disclosure_k,
    DROP COLUMN disclosure_min_units,
    DROP COLUMN disclosure_dominance,
    DROP COLUMN frame_rule;
