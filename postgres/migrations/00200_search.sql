-- +goose Up
-- Search (package search). French full-text search that ignores accents:
-- unaccent runs before the French stemmer, and a "simple" twin keeps whole
-- words for prefix matching ("parti" → "participation").
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION simple_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- One denormalised row per tool, vendor and territory, built by
-- search.LoadDocuments and kept current from the revision outbox, so that a
-- faceted query reads one table and never joins.
CREATE TABLE search_document (
    id          text PRIMARY KEY,             -- "tool-12"
    type        text NOT NULL CHECK (type IN ('tool', 'vendor', 'territory')),
    entity_id   bigint NOT NULL,
    slug        text NOT NULL,
    name        text NOT NULL,
    name_sort   text NOT NULL,                -- search.SortKey(name)
    summary     text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    keywords    text NOT NULL DEFAULT '',
    adopters    integer NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL,
    -- "facet:value" terms, such as "category:petitions" or "adopter_region:84".
    facets      text[] NOT NULL DEFAULT '{}',
    -- Stemmed lexemes (weights A name, B summary and keywords, C description)
    -- and whole words for prefixes, in one vector.
    body        tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent', name), 'A') ||
        setweight(to_tsvector('french_unaccent', summary || ' ' || keywords), 'B') ||
        setweight(to_tsvector('french_unaccent', description), 'C') ||
        setweight(to_tsvector('simple_unaccent', name), 'A') ||
        setweight(to_tsvector('simple_unaccent', summary || ' ' || keywords), 'B') ||
        setweight(to_tsvector('simple_unaccent', description), 'C')
    ) STORED
);
CREATE INDEX search_document_body_idx ON search_document USING gin (body);
CREATE INDEX search_document_facets_idx ON search_document USING gin (facets);
CREATE INDEX search_document_adopters_idx ON search_document (adopters DESC, name_sort);
CREATE INDEX search_document_name_idx ON search_document (name_sort COLLATE "C");
CREATE INDEX search_document_updated_idx ON search_document (updated_at DESC);
CREATE INDEX search_document_name_trgm_idx ON search_document USING gin (name_sort gin_trgm_ops);

-- The vocabulary of the indexed documents (folded whole words), where typo
-- corrections are looked up by trigram distance. Words are never removed:
-- a stale one only offers a correction that matches nothing.
CREATE TABLE search_word (
    word text PRIMARY KEY COLLATE "C"
);
CREATE INDEX search_word_trgm_idx ON search_word USING gist (word gist_trgm_ops);

-- How far each index has read the revision outbox.
CREATE TABLE search_cursor (
    name       text PRIMARY KEY,              -- "postgres", "meili:civiscope"
    revision   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE search_cursor;
DROP TABLE search_word;
DROP TABLE search_document;
DROP TEXT SEARCH CONFIGURATION simple_unaccent;
DROP TEXT SEARCH CONFIGURATION french_unaccent;
