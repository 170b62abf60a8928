-- +goose Up
-- Trend pages label régions and départements on every request; without
-- this index that lookup scans the 36,000 rows of the register.
CREATE INDEX report_territory_label_idx ON territory (kind, code) INCLUDE (name)
    WHERE kind IN ('region', 'departement');

-- +goose Down
DROP INDEX report_territory_label_idx;
