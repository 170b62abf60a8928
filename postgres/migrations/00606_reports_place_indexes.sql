-- +goose Up
-- Place filters with a tool dimension (tool shares in one région) read the
-- per-adoption view; without these indexes they scan all 500,000 rows
-- (p50 208 ms on the generated scale data).
CREATE INDEX report_adoption_region_idx ON report_adoption (region, category);
CREATE INDEX report_adoption_departement_idx ON report_adoption (departement, category);

-- +goose Down
DROP INDEX report_adoption_departement_idx;
DROP INDEX report_adoption_region_idx;
