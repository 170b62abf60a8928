-- +goose Up
-- The crawler: runs, their URL frontier (shared by any number of crawler
-- processes through FOR UPDATE SKIP LOCKED and leases), every page fetched
-- (kept compressed as evidence), platform findings, the collectivités'
-- websites, and the liveness history of tools and instances.

CREATE TABLE crawl_run (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('discovery', 'liveness', 'catalogue')),
    label       text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    max_depth   integer NOT NULL DEFAULT 2 CHECK (max_depth BETWEEN 0 AND 5),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CHECK ((status = 'running') = (finished_at IS NULL))
);

-- Collectivités' websites. None ships with the product: they come from a
-- CSV import or are derived from the instance URLs of adoptions.
CREATE TABLE crawl_site (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    territory_id bigint NOT NULL REFERENCES territory (id) ON DELETE CASCADE,
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 1000),
    source       text NOT NULL CHECK (source IN ('csv', 'adoption')),
    source_name  text NOT NULL DEFAULT '' CHECK (length(source_name) <= 300),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (territory_id, url)
);

CREATE TABLE crawl_queue (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES crawl_run (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    depth       integer NOT NULL DEFAULT 0 CHECK (depth >= 0),
    site_id     bigint REFERENCES crawl_site (id) ON DELETE SET NULL,
    -- why the URL is here: seed, subdomain, link, frame
    reason      text NOT NULL DEFAULT 'seed' CHECK (length(reason) <= 300),
    state       text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'claimed', 'done', 'failed')),
    -- attempts is also the claim's fencing token: a worker whose lease ran
    -- out cannot complete a URL someone else claimed since.
    attempts    integer NOT NULL DEFAULT 0,
    claimed_by  text,
    lease_until timestamptz,
    error       text NOT NULL DEFAULT '' CHECK (length(error) <= 1000),
    page_id     bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, url),
    CHECK ((state = 'claimed') = (lease_until IS NOT NULL))
);
CREATE INDEX crawl_queue_claim_idx ON crawl_queue (run_id, depth, id) WHERE state IN ('queued', 'claimed');

CREATE TABLE crawl_page (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        bigint REFERENCES crawl_run (id) ON DELETE SET NULL,
    url           text NOT NULL,
    final_url     text NOT NULL,
    status        integer NOT NULL,
    -- the headers of interest (server, generator, cookies' names, caching)
    headers       jsonb NOT NULL DEFAULT '{}',
    redirects     jsonb NOT NULL DEFAULT '[]',
    content_type  text NOT NULL DEFAULT '',
    charset       text NOT NULL DEFAULT '',
    content_hash  text NOT NULL DEFAULT '',
    -- gzip of the UTF-8 body, itself capped before compression
    body_gz       bytea,
    body_size     integer NOT NULL DEFAULT 0,
    truncated     boolean NOT NULL DEFAULT false,
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '',
    fetched_at    timestamptz NOT NULL,
    duration_ms   integer NOT NULL DEFAULT 0
);
CREATE INDEX crawl_page_url_idx ON crawl_page (url, fetched_at DESC);
CREATE INDEX crawl_page_run_idx ON crawl_page (run_id);

-- A platform recognised on a page. Above the confidence threshold it is
-- written to the directory as adoption evidence (status published); below
-- it, or when no collectivité is known, it waits here (pending) for the
-- moderation queue.
CREATE TABLE crawl_finding (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint REFERENCES crawl_run (id) ON DELETE SET NULL,
    page_id      bigint REFERENCES crawl_page (id) ON DELETE SET NULL,
    site_id      bigint REFERENCES crawl_site (id) ON DELETE SET NULL,
    territory_id bigint REFERENCES territory (id) ON DELETE SET NULL,
    instance_url text NOT NULL CHECK (length(instance_url) <= 1000),
    page_url     text NOT NULL,
    platform     text NOT NULL CHECK (length(platform) BETWEEN 1 AND 200),
    confidence   integer NOT NULL CHECK (confidence BETWEEN 0 AND 100),
    version      text NOT NULL DEFAULT '',
    matches      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected')),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    found_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, instance_url, platform)
);
CREATE INDEX crawl_finding_pending_idx ON crawl_finding (found_at, id) WHERE status = 'pending';

-- What liveness watches: tool websites and adoption instances. ref is the
-- directory id of the tool or adoption.
CREATE TABLE liveness_target (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('tool', 'adoption')),
    ref              bigint NOT NULL,
    url              text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 1000),
    label            text NOT NULL DEFAULT '' CHECK (length(label) <= 300),
    -- alive until failures span 14 days (dormant), then defunct
    state            text NOT NULL DEFAULT 'alive' CHECK (state IN ('alive', 'dormant', 'defunct')),
    first_failure_at timestamptz,
    failures         integer NOT NULL DEFAULT 0,
    last_checked_at  timestamptz,
    last_class       text,
    state_since      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, ref, url)
);

-- One row per check, kept for the survival report.
CREATE TABLE liveness_check (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_id   bigint NOT NULL REFERENCES liveness_target (id) ON DELETE CASCADE,
    checked_at  timestamptz NOT NULL DEFAULT now(),
    class       text NOT NULL CHECK (class IN ('alive', 'moved', 'gone', 'unreachable', 'parked', 'archived', 'error')),
    status      integer NOT NULL DEFAULT 0,
    final_url   text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '' CHECK (length(detail) <= 1000)
);
CREATE INDEX liveness_check_target_idx ON liveness_check (target_id, checked_at DESC);

-- +goose Down
DROP TABLE liveness_check;
DROP TABLE liveness_target;
DROP TABLE crawl_finding;
DROP TABLE crawl_page;
DROP TABLE crawl_queue;
DROP TABLE crawl_site;
DROP TABLE crawl_run;
