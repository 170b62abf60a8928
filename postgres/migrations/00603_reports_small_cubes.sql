-- +goose Up
-- With 10,000 tools the per-tool cube (report_adoption_time) barely shrinks
-- 500,000 adoptions, so the queries that do not need tools read two small
-- cubes instead: per year and category, and per tool and category.
CREATE MATERIALIZED VIEW report_adoption_year AS
SELECT year, end_year, status, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, category;
CREATE UNIQUE INDEX report_adoption_year_key ON report_adoption_year (year, end_year, status, category);

-- first_year is the year of the tool's first dated adoption in the
-- category (0 when none is dated): entrants per year without a scan.
CREATE MATERIALIZED VIEW report_adoption_share AS
SELECT tool_id, category, count(*)::int AS n, coalesce(min(year) FILTER (WHERE year > 0), 0)::smallint AS first_year
FROM report_adoption
GROUP BY tool_id, category;
CREATE UNIQUE INDEX report_adoption_share_key ON report_adoption_share (tool_id, category);

-- +goose Down
DROP MATERIALIZED VIEW report_adoption_share;
DROP MATERIALIZED VIEW report_adoption_year;
