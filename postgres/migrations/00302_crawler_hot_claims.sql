-- +goose Up
-- Claiming a URL changes its state, lease and attempts, and nothing any
-- index holds, so that PostgreSQL can update the row in place (a HOT
-- update) instead of adding an entry to each of the frontier's three
-- indexes. The claim index was partial on state, which a claim changes;
-- it is now partial on open, which a claim leaves as it is. Free space on
-- each page lets the new version stay beside the old one.
ALTER TABLE crawl_queue SET (fillfactor = 70);
ALTER TABLE crawl_queue ADD COLUMN open boolean GENERATED ALWAYS AS (state IN ('queued', 'claimed')) STORED;
DROP INDEX crawl_queue_claim_idx;
CREATE INDEX crawl_queue_claim_idx ON crawl_queue (run_id, depth, id) WHERE open;

-- +goose Down
DROP INDEX crawl_queue_claim_idx;
ALTER TABLE crawl_queue DROP COLUMN open;
CREATE INDEX crawl_queue_claim_idx ON crawl_queue (run_id, depth, id) WHERE state IN ('queued', 'claimed');
ALTER TABLE crawl_queue RESET (fillfactor);
