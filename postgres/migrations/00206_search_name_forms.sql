-- +goose Up
-- Relevance (issue 17). Names match with or without their spaces, hyphens,
-- dots and apostrophes: the name vector also holds the name split at every
-- punctuation mark ("Make.org" → make, org) and run together
-- ("L'Haÿ-les-Roses" → lhaylesroses). It holds whole words only: a French
-- stem in a name ("pétition" → petit) must not make a village outrank the
-- tools of a practice. Population breaks ties between places.
DROP INDEX search_document_title_idx;
ALTER TABLE search_document DROP COLUMN title;
ALTER TABLE search_document
    ADD COLUMN population integer NOT NULL DEFAULT 0,
    ADD COLUMN title tsvector GENERATED ALWAYS AS (
        to_tsvector('simple_unaccent', name) ||
        to_tsvector('simple_unaccent', regexp_replace(name, '[^[:alnum:]]+', ' ', 'g')) ||
        to_tsvector('simple_unaccent', regexp_replace(name, '[^[:alnum:]]+', '', 'g'))) STORED;
CREATE INDEX search_document_title_idx ON search_document USING gin (title);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_match(q tsquery, pre tsquery) RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    -- q over every word and the name's forms; pre (or NULL), a prefix typed in the name only.
    SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
    WHERE (q IS NOT NULL AND (body @@ q OR title @@ q)) OR (pre IS NOT NULL AND title @@ pre)
$$;
-- +goose StatementEnd

-- Documents gained codes, practice words and populations: the next
-- `search sync` or `serve` rebuilds every index.
DELETE FROM search_cursor;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_match(q tsquery, pre tsquery) RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
    WHERE (q IS NOT NULL AND body @@ q) OR (pre IS NOT NULL AND title @@ pre)
$$;
-- +goose StatementEnd
DROP INDEX search_document_title_idx;
ALTER TABLE search_document DROP COLUMN title, DROP COLUMN population;
ALTER TABLE search_document ADD COLUMN title tsvector GENERATED ALWAYS AS (
    to_tsvector('french_unaccent', name) || to_tsvector('simple_unaccent', name)) STORED;
CREATE INDEX search_document_title_idx ON search_document USING gin (title);
