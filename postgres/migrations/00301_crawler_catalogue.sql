-- +goose Up
-- What catalogue harvests and vendor pages propose: adoptions and tools read
-- from declarative sources, and tool profiles pre-filled from schema.org,
-- OpenGraph and meta tags. All wait for moderation (status pending); the
-- moderation queue reads them from here.
CREATE TABLE crawl_proposal (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('adoption', 'tool', 'tool-profile')),
    -- identifies the item in its source across harvests
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 2000),
    page_url    text NOT NULL CHECK (length(page_url) <= 2000),
    fields      jsonb NOT NULL,
    mapped      jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, kind, key)
);
CREATE INDEX crawl_proposal_pending_idx ON crawl_proposal (first_seen, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE crawl_proposal;
