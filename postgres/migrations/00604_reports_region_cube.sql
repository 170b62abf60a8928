-- +goose Up
-- Measured on the generated scale data (10,000 tools, 500,000 adoptions):
-- a breakdown by région scanned the per-département cube (p50 73 ms), and a
-- year series of one tool scanned the whole per-tool cube (p50 182 ms).
CREATE MATERIALIZED VIEW report_adoption_region AS
SELECT year, category, adopter_kind, bracket, region, sum(n)::int AS n
FROM report_adoption_place
GROUP BY year, category, adopter_kind, bracket, region;
CREATE UNIQUE INDEX report_adoption_region_key ON report_adoption_region (year, category, adopter_kind, bracket, region);
CREATE INDEX report_adoption_time_tool_idx ON report_adoption_time (tool_id);

-- +goose Down
DROP INDEX report_adoption_time_tool_idx;
DROP MATERIALIZED VIEW report_adoption_region;
