-- +goose Up
-- One population-band scheme: a collectivité is banded among its own kind
-- (directory/territory/bracket.go), an EPCI of 40,000 as a small EPCI, not
-- as a large commune. population_bracket numbers the bands of
-- territory.AllBrackets() from 1 in that order (communes keep 1–7); 0 is
-- "population unknown" (organisations, territories without a census
-- figure). reports' TestBracketsFollowTheOneScheme checks it band by band
-- against the Go scheme. The views are those of 00607, rebuilt with it.
-- +goose StatementBegin
CREATE FUNCTION population_bracket(kind text, population integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT (CASE
    WHEN population IS NULL OR kind IS NULL THEN 0
    WHEN kind = 'commune' THEN CASE
        WHEN population < 1000 THEN 1 WHEN population < 3500 THEN 2 WHEN population < 10000 THEN 3
        WHEN population < 20000 THEN 4 WHEN population < 50000 THEN 5 WHEN population < 100000 THEN 6
        ELSE 7 END
    WHEN kind = 'epci' THEN CASE
        WHEN population < 15000 THEN 8 WHEN population < 30000 THEN 9 WHEN population < 50000 THEN 10
        WHEN population < 100000 THEN 11 WHEN population < 300000 THEN 12
        ELSE 13 END
    WHEN kind = 'ept' THEN CASE
        WHEN population < 15000 THEN 14 WHEN population < 30000 THEN 15 WHEN population < 50000 THEN 16
        WHEN population < 100000 THEN 17 WHEN population < 300000 THEN 18
        ELSE 19 END
    WHEN kind = 'departement' THEN CASE
        WHEN population < 250000 THEN 20 WHEN population < 500000 THEN 21 WHEN population < 1000000 THEN 22
        ELSE 23 END
    WHEN kind = 'region' THEN 24
    ELSE 0 END)::smallint
$$;
-- +goose StatementEnd
DROP MATERIALIZED VIEW report_adoption CASCADE;
CREATE MATERIALIZED VIEW report_adoption AS
SELECT a.id AS adoption_id,
       a.tool_id,
       coalesce(a.category, (SELECT tc.category FROM tool_category tc JOIN category c ON c.slug = tc.category
                             WHERE tc.tool_id = a.tool_id ORDER BY c.position LIMIT 1), '') AS category,
       coalesce(extract(year FROM a.started_on),
                (SELECT extract(year FROM min(e.observed_at)) FROM evidence e WHERE e.adoption_id = a.id
                                                                                  AND e.date_meaning <> 'source-snapshot'), 0)::smallint AS year,
       (a.started_on IS NOT NULL) AS year_exact,
       coalesce(extract(year FROM a.ended_on), 0)::smallint AS end_year,
       a.status,
       coalesce(t.kind, 'organisation') AS adopter_kind,
       coalesce(CASE WHEN t.kind = 'departement' THEN t.code ELSE t.departement_code END, '') AS departement,
       coalesce(CASE WHEN t.kind = 'region' THEN t.code ELSE t.region_code END, '') AS region,
       population_bracket(t.kind, t.population) AS bracket
FROM adoption a
LEFT JOIN territory t ON t.id = a.territory_id;
CREATE UNIQUE INDEX report_adoption_id_idx ON report_adoption (adoption_id);
CREATE INDEX report_adoption_tool_idx ON report_adoption (tool_id);
CREATE INDEX report_adoption_region_idx ON report_adoption (region, category);
CREATE INDEX report_adoption_departement_idx ON report_adoption (departement, category);

CREATE MATERIALIZED VIEW report_adoption_time AS
SELECT year, end_year, status, tool_id, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, tool_id, category;
CREATE UNIQUE INDEX report_adoption_time_key ON report_adoption_time (year, end_year, status, tool_id, category);
CREATE INDEX report_adoption_time_tool_idx ON report_adoption_time (tool_id);

CREATE MATERIALIZED VIEW report_adoption_place AS
SELECT year, category, adopter_kind, bracket, departement, region, count(*)::int AS n
FROM report_adoption
GROUP BY year, category, adopter_kind, bracket, departement, region;
CREATE UNIQUE INDEX report_adoption_place_key ON report_adoption_place (year, category, adopter_kind, bracket, departement, region);

CREATE MATERIALIZED VIEW report_adoption_year AS
SELECT year, end_year, status, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, category;
CREATE UNIQUE INDEX report_adoption_year_key ON report_adoption_year (year, end_year, status, category);

CREATE MATERIALIZED VIEW report_adoption_share AS
SELECT tool_id, category, count(*)::int AS n, coalesce(min(year) FILTER (WHERE year > 0), 0)::smallint AS first_year
FROM report_adoption
GROUP BY tool_id, category;
CREATE UNIQUE INDEX report_adoption_share_key ON report_adoption_share (tool_id, category);

CREATE MATERIALIZED VIEW report_adoption_region AS
SELECT year, category, adopter_kind, bracket, region, sum(n)::int AS n
FROM report_adoption_place
GROUP BY year, category, adopter_kind, bracket, region;
CREATE UNIQUE INDEX report_adoption_region_key ON report_adoption_region (year, category, adopter_kind, bracket, region);

CREATE MATERIALIZED VIEW report_tool_share AS
SELECT category, tool_id, n,
       sum(n) OVER (PARTITION BY category)::int AS total,
       row_number() OVER (PARTITION BY category ORDER BY n DESC, tool_id)::int AS rank
FROM report_adoption_share
WHERE category <> '';
CREATE UNIQUE INDEX report_tool_share_key ON report_tool_share (category, rank);
CREATE INDEX report_tool_share_rank_idx ON report_tool_share (rank, category);

-- +goose Down
DROP MATERIALIZED VIEW report_adoption CASCADE;

CREATE MATERIALIZED VIEW report_adoption AS
SELECT a.id AS adoption_id,
       a.tool_id,
       coalesce(a.category, (SELECT tc.category FROM tool_category tc JOIN category c ON c.slug = tc.category
                             WHERE tc.tool_id = a.tool_id ORDER BY c.position LIMIT 1), '') AS category,
       coalesce(extract(year FROM a.started_on),
                (SELECT extract(year FROM min(e.observed_at)) FROM evidence e WHERE e.adoption_id = a.id
                                                                                  AND e.date_meaning <> 'source-snapshot'), 0)::smallint AS year,
       (a.started_on IS NOT NULL) AS year_exact,
       coalesce(extract(year FROM a.ended_on), 0)::smallint AS end_year,
       a.status,
       coalesce(t.kind, 'organisation') AS adopter_kind,
       coalesce(CASE WHEN t.kind = 'departement' THEN t.code ELSE t.departement_code END, '') AS departement,
       coalesce(CASE WHEN t.kind = 'region' THEN t.code ELSE t.region_code END, '') AS region,
       (CASE WHEN t.population IS NULL THEN 0
             WHEN t.population < 1000 THEN 1
             WHEN t.population < 3500 THEN 2
             WHEN t.population < 10000 THEN 3
             WHEN t.population < 20000 THEN 4
             WHEN t.population < 50000 THEN 5
             WHEN t.population < 100000 THEN 6
             ELSE 7 END)::smallint AS bracket
FROM adoption a
LEFT JOIN territory t ON t.id = a.territory_id;
CREATE UNIQUE INDEX report_adoption_id_idx ON report_adoption (adoption_id);
CREATE INDEX report_adoption_tool_idx ON report_adoption (tool_id);
CREATE INDEX report_adoption_region_idx ON report_adoption (region, category);
CREATE INDEX report_adoption_departement_idx ON report_adoption (departement, category);

CREATE MATERIALIZED VIEW report_adoption_time AS
SELECT year, end_year, status, tool_id, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, tool_id, category;
CREATE UNIQUE INDEX report_adoption_time_key ON report_adoption_time (year, end_year, status, tool_id, category);
CREATE INDEX report_adoption_time_tool_idx ON report_adoption_time (tool_id);

CREATE MATERIALIZED VIEW report_adoption_place AS
SELECT year, category, adopter_kind, bracket, departement, region, count(*)::int AS n
FROM report_adoption
GROUP BY year, category, adopter_kind, bracket, departement, region;
CREATE UNIQUE INDEX report_adoption_place_key ON report_adoption_place (year, category, adopter_kind, bracket, departement, region);

CREATE MATERIALIZED VIEW report_adoption_year AS
SELECT year, end_year, status, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, category;
CREATE UNIQUE INDEX report_adoption_year_key ON report_adoption_year (year, end_year, status, category);

CREATE MATERIALIZED VIEW report_adoption_share AS
SELECT tool_id, category, count(*)::int AS n, coalesce(min(year) FILTER (WHERE year > 0), 0)::smallint AS first_year
FROM report_adoption
GROUP BY tool_id, category;
CREATE UNIQUE INDEX report_adoption_share_key ON report_adoption_share (tool_id, category);

CREATE MATERIALIZED VIEW report_adoption_region AS
SELECT year, category, adopter_kind, bracket, region, sum(n)::int AS n
FROM report_adoption_place
GROUP BY year, category, adopter_kind, bracket, region;
CREATE UNIQUE INDEX report_adoption_region_key ON report_adoption_region (year, category, adopter_kind, bracket, region);

CREATE MATERIALIZED VIEW report_tool_share AS
SELECT category, tool_id, n,
       sum(n) OVER (PARTITION BY category)::int AS total,
       row_number() OVER (PARTITION BY category ORDER BY n DESC, tool_id)::int AS rank
FROM report_adoption_share
WHERE category <> '';
CREATE UNIQUE INDEX report_tool_share_key ON report_tool_share (category, rank);
CREATE INDEX report_tool_share_rank_idx ON report_tool_share (rank, category);
DROP FUNCTION population_bracket(text, integer);
