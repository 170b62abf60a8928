-- +goose Up
-- Reports read the directory through materialised views, because trend
-- queries must answer in well under 200 ms over 500,000 adoptions and a
-- GROUP BY over the joined base tables takes 300-500 ms on two cores. The
-- views are refreshed on demand and daily (reports.Refresh); report_refresh
-- records when, and every report shows that date.

-- One narrow row per adoption, pre-joined with its adopter. The year of an
-- adoption is the month it started, else the year of its first evidence.
-- Unknowns are sentinels instead of NULL (year 0, '' for text) so that the
-- unique indexes below cover every row and REFRESH … CONCURRENTLY works.
CREATE MATERIALIZED VIEW report_adoption AS
SELECT a.id AS adoption_id,
       a.tool_id,
       coalesce(a.category, (SELECT tc.category FROM tool_category tc JOIN category c ON c.slug = tc.category
                             WHERE tc.tool_id = a.tool_id ORDER BY c.position LIMIT 1), '') AS category,
       coalesce(extract(year FROM a.started_on),
                (SELECT extract(year FROM min(e.observed_at)) FROM evidence e WHERE e.adoption_id = a.id), 0)::smallint AS year,
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
-- Queries filtered by one tool read only that tool's rows.
CREATE INDEX report_adoption_tool_idx ON report_adoption (tool_id);

-- Counts over time, by tool and category: per-year series, shares within a
-- category, entrants and exits. About 40,000 rows for 500,000 adoptions.
CREATE MATERIALIZED VIEW report_adoption_time AS
SELECT year, end_year, status, tool_id, category, count(*)::int AS n
FROM report_adoption
GROUP BY year, end_year, status, tool_id, category;
CREATE UNIQUE INDEX report_adoption_time_key ON report_adoption_time (year, end_year, status, tool_id, category);

-- Counts over places and kinds of collectivité.
CREATE MATERIALIZED VIEW report_adoption_place AS
SELECT year, category, adopter_kind, bracket, departement, region, count(*)::int AS n
FROM report_adoption
GROUP BY year, category, adopter_kind, bracket, departement, region;
CREATE UNIQUE INDEX report_adoption_place_key ON report_adoption_place (year, category, adopter_kind, bracket, departement, region);

CREATE TABLE report_refresh (
    name         text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL
);

-- Every published open-data file: immutable once written. A release is one
-- version of one data set (the directory, or a barometer edition); its files
-- are stored on disk under the release's version and listed here with their
-- SHA-256, so a citation (data set + version + checksum) stays checkable.
CREATE TABLE report_release (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset    text NOT NULL CHECK (dataset ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    version    text NOT NULL CHECK (version ~ '^[0-9A-Za-z.-]{1,60}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dataset, version)
);

CREATE TABLE report_release_file (
    release_id bigint NOT NULL REFERENCES report_release (id) ON DELETE RESTRICT,
    name       text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,120}$'),
    media_type text NOT NULL,
    bytes      bigint NOT NULL CHECK (bytes >= 0),
    sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows       bigint,
    PRIMARY KEY (release_id, name)
);

-- +goose StatementBegin
CREATE FUNCTION report_release_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published releases are immutable';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER report_release_immutable BEFORE UPDATE OR DELETE ON report_release
    FOR EACH ROW EXECUTE FUNCTION report_release_immutable();
CREATE TRIGGER report_release_file_immutable BEFORE UPDATE OR DELETE ON report_release_file
    FOR EACH ROW EXECUTE FUNCTION report_release_immutable();

-- +goose Down
DROP TABLE report_release_file;
DROP TABLE report_release;
DROP FUNCTION report_release_immutable();
DROP TABLE report_refresh;
DROP MATERIALIZED VIEW report_adoption_place;
DROP MATERIALIZED VIEW report_adoption_time;
DROP MATERIALIZED VIEW report_adoption;
