-- +goose Up
-- The official register of French collectivités (INSEE COG). Codes are text
-- because they carry leading zeros and Corsica's 2A/2B.
CREATE TABLE territory (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('commune', 'epci', 'ept', 'departement', 'region')),
    -- INSEE code for communes, départements and régions; SIREN for EPCI and EPT.
    code             text NOT NULL CHECK (code ~ '^[0-9AB]{2,9}$'),
    siren            text CHECK (siren ~ '^[0-9]{9}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- name_norm is lower case, unaccented, punctuation folded to spaces; the
    -- Go side computes it with the same rules as queries (territory.Normalize).
    name_norm        text NOT NULL,
    -- EPCI legal form: CC, CA, CU, METRO, MET69; EPT for territoires.
    legal_form       text,
    departement_code text,
    region_code      text,
    epci_code        text,
    ept_code         text,
    zone             text CHECK (zone IN ('metro', 'drom', 'com')),
    population       integer CHECK (population >= 0),
    postal_codes     text[] NOT NULL DEFAULT '{}',
    -- Communes that left the register (mergers) stay, marked historic, because
    -- adoptions and survey answers may still point to them.
    historic         boolean NOT NULL DEFAULT false,
    source           text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, code)
);

CREATE INDEX territory_name_norm_idx ON territory (name_norm text_pattern_ops);
CREATE INDEX territory_name_trgm_idx ON territory USING gin (name_norm gin_trgm_ops);
CREATE INDEX territory_departement_idx ON territory (departement_code) WHERE kind = 'commune';
CREATE INDEX territory_epci_idx ON territory (epci_code) WHERE kind = 'commune';
CREATE INDEX territory_siren_idx ON territory (siren);

-- +goose Down
DROP TABLE territory;
