-- +goose Up
-- search/pg now matches text over in-memory inverted indexes of the
-- lexemes PostgreSQL computes (the body, title and head columns stay), and
-- finds typo candidates in an in-memory trigram index of search_word
-- (issue 17: a broad prefix took 10-14 ms per statement through GIN). The
-- GIN indexes and matching functions only slowed writes down.
DROP FUNCTION search_match(tsquery, tsquery);
DROP FUNCTION search_tiers(tsquery, tsquery);
DROP FUNCTION search_similar_words(text, integer);
DROP INDEX search_document_body_idx;
DROP INDEX search_document_title_idx;
DROP INDEX search_document_head_idx;
DROP INDEX search_word_trgm_idx;

-- +goose Down
CREATE INDEX search_word_trgm_idx ON search_word USING gin (word gin_trgm_ops);
CREATE INDEX search_document_head_idx ON search_document USING gin (head);
CREATE INDEX search_document_title_idx ON search_document USING gin (title);
CREATE INDEX search_document_body_idx ON search_document USING gin (body);

-- +goose StatementBegin
CREATE FUNCTION search_similar_words(w text, n integer) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET pg_trgm.similarity_threshold = 0.19
AS $$
    SELECT word FROM search_word WHERE word % w ORDER BY similarity(word, w) DESC, word LIMIT n
$$;

CREATE FUNCTION search_tiers(q tsquery, pre tsquery, OUT in_title bigint[], OUT in_head bigint[])
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT (SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
                WHERE (q IS NOT NULL AND title @@ q) OR (pre IS NOT NULL AND title @@ pre)),
           (SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
                WHERE q IS NOT NULL AND head @@ q)
$$;

CREATE FUNCTION search_match(q tsquery, pre tsquery) RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
    WHERE (q IS NOT NULL AND (body @@ q OR title @@ q)) OR (pre IS NOT NULL AND title @@ pre)
$$;
-- +goose StatementEnd
