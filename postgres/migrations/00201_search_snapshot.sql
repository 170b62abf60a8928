-- +goose Up
-- Facet counts over thousands of matches cost tens of milliseconds in SQL,
-- so search/pg keeps an in-memory copy of each document's facets and sort
-- keys, refreshed from what changed since it last looked: every write takes
-- a new seq, and deletions leave a tombstone with theirs.
CREATE SEQUENCE search_document_seq;
ALTER TABLE search_document
    ADD COLUMN doc_no bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    ADD COLUMN seq bigint NOT NULL DEFAULT nextval('search_document_seq'),
    -- Small vectors for relevance tiers (a match in the name beats one in
    -- the summary, which beats one in the description) without reading the
    -- large body vector of every match.
    ADD COLUMN title tsvector GENERATED ALWAYS AS (
        to_tsvector('french_unaccent', name) || to_tsvector('simple_unaccent', name)) STORED,
    ADD COLUMN head tsvector GENERATED ALWAYS AS (
        to_tsvector('french_unaccent', name || ' ' || summary || ' ' || keywords) ||
        to_tsvector('simple_unaccent', name || ' ' || summary || ' ' || keywords)) STORED;
CREATE INDEX search_document_seq_idx ON search_document (seq);

CREATE TABLE search_tombstone (
    doc_no     bigint NOT NULL,
    seq        bigint NOT NULL DEFAULT nextval('search_document_seq'),
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_tombstone_seq_idx ON search_tombstone (seq);

-- +goose Down
DROP TABLE search_tombstone;
ALTER TABLE search_document DROP COLUMN head, DROP COLUMN title, DROP COLUMN seq, DROP COLUMN doc_no;
DROP SEQUENCE search_document_seq;
