-- +goose Up
-- Typo candidates come from a GIN trigram index with a low similarity
-- threshold (one typo in a five-letter word can leave only 0.2 of the
-- trigrams in common); nearest-neighbour search over the GiST index took
-- hundreds of milliseconds on 90,000 words.
DROP INDEX search_word_trgm_idx;
CREATE INDEX search_word_trgm_idx ON search_word USING gin (word gin_trgm_ops);

-- +goose StatementBegin
CREATE FUNCTION search_similar_words(w text, n integer) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET pg_trgm.similarity_threshold = 0.19
AS $$
    SELECT word FROM search_word WHERE word % w ORDER BY similarity(word, w) DESC, word LIMIT n
$$;
-- +goose StatementEnd

-- Relevance tiers (name, then summary and keywords) from their own indexes
-- instead of testing every match's vectors.
CREATE INDEX search_document_head_idx ON search_document USING gin (head);

-- +goose Down
DROP INDEX search_document_head_idx;
DROP FUNCTION search_similar_words(text, integer);
DROP INDEX search_word_trgm_idx;
CREATE INDEX search_word_trgm_idx ON search_word USING gist (word gist_trgm_ops);
