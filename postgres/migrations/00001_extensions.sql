-- +goose Up
-- unaccent and pg_trgm back accent-insensitive, typo-tolerant lookups of
-- territory and tool names; both are trusted extensions since PostgreSQL 13.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- +goose Down
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS unaccent;
