-- +goose Up
-- search_tiers tested the name vector of every summary match (and so read
-- it, compressed or out of line): 50 ms for 6,000 matches. Two index-only
-- lookups of the matching rows' numbers cost a few milliseconds.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_tiers(q tsquery, pre tsquery, OUT in_title bigint[], OUT in_head bigint[])
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT (SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
                WHERE (q IS NOT NULL AND title @@ q) OR (pre IS NOT NULL AND title @@ pre)),
           (SELECT coalesce(array_agg(doc_no), '{}') FROM search_document
                WHERE q IS NOT NULL AND head @@ q)
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_tiers(q tsquery, pre tsquery, OUT in_title bigint[], OUT in_head bigint[])
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT coalesce(array_agg(doc_no) FILTER (WHERE title @@ q OR (pre IS NOT NULL AND title @@ pre)), '{}'),
           coalesce(array_agg(doc_no) FILTER (WHERE head @@ q), '{}')
    FROM search_document
    WHERE (q IS NOT NULL AND head @@ q) OR (pre IS NOT NULL AND title @@ pre)
$$;
-- +goose StatementEnd
