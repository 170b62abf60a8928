-- +goose Up
-- Discovery starts from the websites register (territory_website) as well
-- as CSV imports and adoptions.
ALTER TABLE crawl_site DROP CONSTRAINT crawl_site_source_check;
ALTER TABLE crawl_site ADD CONSTRAINT crawl_site_source_check CHECK (source IN ('csv', 'adoption', 'register'));

-- Per-host politeness shared by every crawler process: before fetching, a
-- process moves the host's next_at one delay further, atomically (the row
-- lock of INSERT … ON CONFLICT DO UPDATE), and waits until the slot it got.
-- Two processes thus never fetch one host closer than the delay.
CREATE TABLE crawl_host (
    host    text PRIMARY KEY CHECK (length(host) BETWEEN 1 AND 300),
    next_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE crawl_host;
DELETE FROM crawl_site WHERE source = 'register';
ALTER TABLE crawl_site DROP CONSTRAINT crawl_site_source_check;
ALTER TABLE crawl_site ADD CONSTRAINT crawl_site_source_check CHECK (source IN ('csv', 'adoption'));
