-- +goose Up
-- Each collectivité's official website, with where it was read. A site
-- stays once known: when a newer source lists another host, or when the
-- commune merged into another, the older row becomes 'former' with the
-- dates it was listed, so the history of a collectivité's address is kept.
CREATE TABLE territory_website (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    territory_id  bigint NOT NULL REFERENCES territory (id) ON DELETE CASCADE,
    url           text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 1000),
    host          text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    status        text NOT NULL CHECK (status IN ('current', 'former')),
    -- why a site is former: replaced by a newer listing, merged commune,
    -- délégué mairie, several pre-merger EPCI, corrected by a contributor
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    -- source: annuaire-2019, annuaire-2016, domaines-etalab, contribution
    source        text NOT NULL CHECK (length(source) BETWEEN 1 AND 60),
    source_title  text NOT NULL CHECK (length(source_title) <= 300),
    source_url    text NOT NULL DEFAULT '' CHECK (length(source_url) <= 1000),
    -- the record in the source (mairie-54003-01) and the code it was filed
    -- under, which may be a commune merged since
    source_record text NOT NULL DEFAULT '' CHECK (length(source_record) <= 200),
    listed_code   text NOT NULL DEFAULT '' CHECK (length(listed_code) <= 20),
    licence       text NOT NULL CHECK (length(licence) <= 200),
    -- the first and last dates a source showed this address (the source's
    -- snapshot or record-update date), not when the site went online
    first_listed  date NOT NULL,
    last_listed   date NOT NULL CHECK (last_listed >= first_listed),
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (territory_id, host)
);
CREATE UNIQUE INDEX territory_website_current_idx ON territory_website (territory_id) WHERE status = 'current';
CREATE INDEX territory_website_host_idx ON territory_website (host);

-- What an import could not attach to one collectivité, with the reason:
-- bad rows, codes unknown to the register, domain names that match no or
-- several collectivités. Domains stay here as unlinked seeds.
CREATE TABLE website_unlinked (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source     text NOT NULL CHECK (length(source) BETWEEN 1 AND 60),
    record     text NOT NULL CHECK (length(record) BETWEEN 1 AND 300),
    value      text NOT NULL DEFAULT '' CHECK (length(value) <= 1000),
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 300),
    UNIQUE (source, record)
);

-- +goose Down
DROP TABLE website_unlinked;
DROP TABLE territory_website;
