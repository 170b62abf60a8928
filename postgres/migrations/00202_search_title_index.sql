-- +goose Up
-- Prefixes of one or two letters ("p", "pa") would expand to thousands of
-- words over the whole body; search/pg matches them in names only, here.
CREATE INDEX search_document_title_idx ON search_document USING gin (title);

-- +goose Down
DROP INDEX search_document_title_idx;
